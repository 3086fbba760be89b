package dev.kordon.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;

/** Kordon's own classes, tests left out, as the rules of this package read them: imported once per run. */
final class MainClasses {
    static final Path MAIN = Path.of("src/main/java");

    private static JavaClasses kordon;

    private MainClasses() {}

    static synchronized JavaClasses kordon() {
        if (kordon == null) {
            kordon = new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("dev.kordon");
        }
        return kordon;
    }
}
