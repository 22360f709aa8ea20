package ha.cli;

import ha.run.Cli;
import ha.scripts.ArcadedbHa;
import ha.scripts.HaFailover;
import ha.scripts.HaHealth;
import ha.scripts.HaQuorum;
import ha.scripts.HaRead;
import ha.scripts.HaReplicaHealth;
import ha.scripts.HaRollingRestart;
import ha.scripts.HaRollout;
import ha.scripts.HaScaleUp;
import ha.scripts.HaSnapshotRecovery;
import ha.scripts.HaTransfer;
import ha.scripts.HaWrite;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --help as a user reads it: the command's own options first, the rest in groups, nothing wrapped to column 0. */
class HelpTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        ha.core.Log.redirect(System.out, System.err);
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        ha.core.Log.redirect(System.out, System.err);
    }

    private String help(Object command) {
        out.reset();
        assertEquals(0, Cli.execute(command, "--help"));
        return out.toString(StandardCharsets.UTF_8);
    }

    static final List<Supplier<Object>> EVERY_SCRIPT = List.of(ArcadedbHa::new, HaRollout::new, HaHealth::new, HaQuorum::new,
            HaWrite::new, HaRead::new, HaReplicaHealth::new, HaTransfer::new, HaScaleUp::new, HaSnapshotRecovery::new,
            HaFailover::new, HaRollingRestart::new);

    @Test
    void aPhasesOwnOptionsComeFirstAndTheRestInGroups() {
        String help = help(new HaScaleUp());
        List<String> headings = help.lines().filter(l -> !l.isEmpty() && !l.startsWith(" ") && l.endsWith(":")).toList();
        assertEquals(List.of("ha-scale-up options:", "Target and waits:", "Kubernetes (--target kube, the default):",
                "Local processes (--target local):", "Reports:", "Help:", "Environment:"), headings);
        String own = help.substring(help.indexOf("ha-scale-up options:"), help.indexOf("Target and waits:"));
        assertTrue(own.contains("--scale-to=N") && own.contains("--keep-scaled"), own);
        assertTrue(help.startsWith("Usage: ha-scale-up [OPTIONS]\n"), "a one-line synopsis, not 15 lines of every option: " + help);
        String kube = help.substring(help.indexOf("Kubernetes (--target kube"), help.indexOf("Local processes"));
        assertTrue(kube.contains("--context=NAME") && kube.contains("--release=NAME") && !kube.contains("--nodes"), kube);
    }

    @Test
    void sizesHaveOneVocabularyAndTheOldNamesSayWhatToUse() {
        for (Object command : List.of(new ArcadedbHa(), new HaScaleUp())) {
            CommandLine.Model.CommandSpec spec = new CommandLine(command).getCommandSpec();
            assertTrue(spec.findOption("--scale-to") != null && spec.findOption("--keep-scaled") != null, spec.name());
        }
        HaScaleUp scaleUp = new HaScaleUp();
        new CommandLine(scaleUp).parseArgs("--to", "7", "--keep");
        assertEquals(7, scaleUp.scaleTo(), "--to still sets the size");
        assertTrue(scaleUp.keepsScaled(), "--keep still keeps the cluster scaled");
        String warned = err.toString(StandardCharsets.UTF_8);
        assertTrue(warned.contains("warning: --to is deprecated; use --scale-to"), warned);
        assertTrue(warned.contains("warning: --keep is deprecated; use --keep-scaled"), warned);
        assertTrue(!help(new HaScaleUp()).contains("--to="), "the deprecated names are not offered");
    }

    @Test
    void noHelpLineWrapsToColumnZero() {
        for (Supplier<Object> script : EVERY_SCRIPT) {
            List<String> lines = help(script.get()).lines().toList();
            for (int i = 1; i < lines.size(); i++) {
                String before = lines.get(i - 1);
                String line = lines.get(i);
                boolean continuesAnIndentedLine = before.startsWith(" ") && !line.isEmpty() && !line.startsWith(" ") && !line.endsWith(":");
                assertTrue(!continuesAnIndentedLine, "line " + (i + 1) + " wraps to column 0: '" + before + "' / '" + line + "'");
            }
        }
    }

    @Test
    void listAlignsTheSummaries() {
        out.reset();
        assertEquals(0, Cli.execute(new ArcadedbHa(), "--list"));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(new ArcadedbHa().allPhases().size(), lines.size(), lines.toString());
        int column = "snapshot-recovery".length() + 2;
        for (String line : lines) {
            assertTrue(line.charAt(column - 1) == ' ' && line.charAt(column) != ' ', "summary starts at column " + column + ": " + line);
        }
    }
}
