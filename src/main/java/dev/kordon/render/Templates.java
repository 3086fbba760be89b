package dev.kordon.render;

import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.MruCacheStorage;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateExceptionHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.templ.freemarker.FreeMarkerTemplateEngine;
import java.io.StringWriter;
import java.util.Map;

/**
 * FreeMarker through the Vert.x template engine, set up for Kordon: templates from the classpath
 * ({@code templates/}), UTF-8 in and out whatever the platform charset, HTML auto-escaped in
 * {@code .ftlh} files, and compiled templates cached. Rendering is CPU-only and short.
 */
public final class Templates {
    private final Configuration config;

    public Templates(Vertx vertx) {
        FreeMarkerTemplateEngine engine = FreeMarkerTemplateEngine.create(vertx);
        config = engine.unwrap();
        config.setTemplateLoader(new ClassTemplateLoader(Templates.class.getClassLoader(), "templates"));
        config.setDefaultEncoding("UTF-8");
        config.setOutputEncoding("UTF-8");
        config.setRecognizeStandardFileExtensions(true);
        config.setCacheStorage(new MruCacheStorage(64, 256));
        config.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        config.setLogTemplateExceptions(false);
    }

    /** Renders {@code name} (relative to templates/) with the model. */
    public String render(String name, Map<String, Object> model) throws Exception {
        Template template = config.getTemplate(name);
        StringWriter out = new StringWriter();
        template.process(model, out);
        return out.toString();
    }

    public Future<String> renderAsync(String name, Map<String, Object> model) {
        try {
            return Future.succeededFuture(render(name, model));
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
    }
}
