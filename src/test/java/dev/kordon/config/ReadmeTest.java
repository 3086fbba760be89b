package dev.kordon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's configuration table and the shipped file must not drift apart. */
class ReadmeTest {
  @Test
  void everyKeyIsInTheReadmeTable() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (String key : ConfigTree.load(Path.of("conf", "kordon.yaml"), Map.of()).keys()) {
      assertThat(readme).as(key).contains("| `" + key + "` | `" + ConfigTree.envName(key) + "` |");
    }
  }
}
