package org.vtsim.tools;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.vtsim.cost.CostProfile;

/** docs/cost-model.md must hold the table the tool prints, so the documented costs stay true. */
class CostModelDocTest {
    @Test
    void docsTableMatchesTheProfile() throws Exception {
        Path doc = Path.of("..", "docs", "cost-model.md");
        String text = Files.readString(doc);
        String table = CostsCommand.markdownTable(CostProfile.skylake());
        assertTrue(text.contains(table),
                "docs/cost-model.md is out of date: regenerate its table with `./vtsim costs --markdown`");
    }
}
