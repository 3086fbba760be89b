package dev.kordon.arch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kordon.config.ConfigTree;
import dev.kordon.config.KordonConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A setting a person sees is defined once, in conf/kordon.yaml: the country code, the category
 * names, the temporary password's lifetime and the SMS code's tries appear nowhere in the code,
 * the templates, the texts, the scripts or the API description. A search for one lands on its definition, and changing
 * it changes every page, letter, SMS and log that shows it. Comments count too: an example in one
 * must not use a shipped value.
 */
class OneDefinitionTest {
    static final List<Path> SOURCES = List.of(
            Path.of("src", "main", "java"),
            Path.of("src", "main", "resources", "templates"),
            Path.of("src", "main", "resources", "i18n"),
            Path.of("src", "main", "resources", "lua"),
            Path.of("src", "main", "resources", "openapi.yaml"));
    static final KordonConfig SHIPPED =
            KordonConfig.from(ConfigTree.load(Path.of("conf", "kordon.yaml"), Map.of("KORDON_DEV", "true")));

    /** One value that must appear only where it is read from the configuration. */
    record Rule(String what, Pattern pattern, String allowedIn) {
        boolean flags(Path file, String line) {
            return pattern.matcher(line).find() && (allowedIn == null || !file.endsWith(allowedIn));
        }
    }

    static List<Rule> rules(KordonConfig c) {
        String cc = String.valueOf(c.phone().countryCode());
        long hours = c.tempPassword().ttl().toHours();
        long seconds = c.tempPassword().ttl().toSeconds();
        List<Rule> rules = new ArrayList<>();
        rules.add(new Rule("phone.country-code", Pattern.compile("(?<![\\w.])\\+?" + cc), null));
        for (String category : c.categories().keySet()) {
            rules.add(new Rule("categories." + category, Pattern.compile("\"" + Pattern.quote(category) + "\""), null));
        }
        int flags = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        rules.add(new Rule(
                "temp-password.ttl",
                Pattern.compile("(?<![\\d.,])" + hours + "\\s*(?:h(?![a-z])|hours?|ч(?![а-яё])|час)", flags),
                null));
        rules.add(new Rule("temp-password.ttl", Pattern.compile("ofHours\\(\\s*" + hours + "L?\\s*\\)"), null));
        rules.add(new Rule(
                "temp-password.ttl", Pattern.compile("(?<![\\d.])" + hours + "L?\\s*\\*\\s*(?:60|3600)\\b"), null));
        rules.add(new Rule("temp-password.ttl", Pattern.compile("(?<!\\d)" + seconds + "(?:000)?(?!\\d)"), null));
        rules.add(new Rule("sms-code.max-tries", Pattern.compile("max-tries"), "config/ConfigReader.java"));
        return rules;
    }

    static List<String> violations(Path file, List<String> lines, List<Rule> rules) {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            for (Rule rule : rules) {
                if (rule.flags(file, lines.get(i))) {
                    found.add(file + ":" + (i + 1) + " repeats " + rule.what() + ": "
                            + lines.get(i).strip());
                }
            }
        }
        return found;
    }

    @Test
    void theShippedValuesAppearOnlyInTheConfiguration() throws IOException {
        List<String> found = new ArrayList<>();
        List<Rule> rules = rules(SHIPPED);
        for (Path root : SOURCES) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    found.addAll(violations(file, Files.readAllLines(file), rules));
                }
            }
        }
        assertThat(found).isEmpty();
    }

    @Test
    void theSearchFindsWhatTheseLinesOnceRepeated() {
        List<Rule> rules = rules(SHIPPED);
        Path template = Path.of("src", "main", "resources", "templates", "pages", "layout.ftlh");
        Path code = Path.of("src", "main", "java", "dev", "kordon", "dispatch", "Letters.java");
        List<String> repeated = List.of(
                "<#if category == \"mobile\"><span class=\"prefix\" aria-hidden=\"true\">+375</span></#if>",
                "page.banner.email=На Ваш email отправлен временный пароль (действителен в течение 24 часов)",
                "Срок действия временного пароля ограничен (24 ч). Измените его на новый при первом входе в систему.",
                "// The seed's letter shows the number without the plus: «375 номер с тарифным планом».",
                "return upsert(\"internet\", login);",
                "temp-password.ttl: valid 24h",
                "Duration ttl = Duration.ofHours(24);",
                "long ttlMs = 24L * 3600 * 1000;",
                "assertThat(answer.getLong(\"expires_in\")).isEqualTo(86400);",
                "c.integer(\"sms-code.max-tries\", 1, 10)");
        for (String line : repeated) {
            assertThat(violations(code, List.of(line), rules)).as(line).isNotEmpty();
        }
        assertThat(violations(template, List.of(repeated.get(0)), rules)).hasSize(2);

        List<String> innocent = List.of(
                "throw c.error(\"admin.token\", \"a secret of at least 24 characters (dev mode excepted)\");",
                "<body style=\"margin:0;padding:24px;background:#f4f5f7\">",
                "private static final long DAY = 24 * HOUR;",
                "String.format(\"%07d\", 0.375);",
                "lifetime.hours=час|часа|часов",
                "page.category.mobile=Мобильная связь");
        for (String line : innocent) {
            assertThat(violations(code, List.of(line), rules)).as(line).isEmpty();
        }
        assertThat(violations(
                        Path.of("src", "main", "java", "dev", "kordon", "config", "ConfigReader.java"),
                        List.of("c.integer(\"sms-code.max-tries\", 1, 10)"),
                        rules))
                .isEmpty();
    }
}
