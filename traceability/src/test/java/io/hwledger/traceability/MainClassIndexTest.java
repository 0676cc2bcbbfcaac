package io.hwledger.traceability;

import static io.hwledger.traceability.TraceabilityCheckTest.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Verifies("FR-QUALITY-001")
class MainClassIndexTest {
  @Test
  void importedNamedAndWildcardImportedMainClassesAreExercised(@TempDir Path root)
      throws IOException {
    write(root.resolve("a/src/main/java/io/x/Planner.java"), "package io.x;");
    write(root.resolve("a/src/main/java/io/x/Unused.java"), "package io.x;");
    write(root.resolve("b/src/main/java/io/y/Ledger.java"), "package io.y;");
    write(root.resolve("b/src/main/java/io/z/Proof.java"), "package io.z;");
    write(root.resolve("b/src/main/java/io/w/Note.java"), "package io.w;");
    write(root.resolve("b/src/main/java/module-info.java"), "module io.y {}");
    write(
        root.resolve("c/src/test/java/io/x/PlannerTest.java"),
        "package io.x;",
        "import static io.w.Note.parse;",
        "import io.y.Ledger;",
        "import io.z.*;",
        "import java.util.List;",
        "class PlannerTest { Planner p; Proof q; List<String> names; }");

    assertThat(MainClassIndex.of(root).exercisedBy("io.x.PlannerTest"))
        .containsExactly("io.w.Note", "io.x.Planner", "io.y.Ledger", "io.z.Proof");
    assertThat(MainClassIndex.of(root).exercisedBy("io.x.MissingTest")).isEmpty();
  }
}
