package ha.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GitHub workflows, read as GitHub reads them: the jobs that run the test command give the real-server tests what
 * they need (ArcadeDB of the chart's appVersion, or of the weekly image, a JDK 21+ for the servers, busybox), and the
 * weekly every-node run reports without being able to fail a pull request.
 */
class WorkflowTest {
    static final Path ROOT = IntegrationScriptTest.ROOT;
    private static final Pattern JDK_OUTPUT = Pattern.compile("ARCADEDB_SERVER_JAVA=\\$\\{?(\\w+)\\}?");
    private static final Pattern EVENT_COMPARED = Pattern.compile("github\\.event_name\\s*==\\s*'([^']*)'");

    @TempDir
    Path tmp;

    private static JsonNode workflow(String file) throws IOException {
        return new YAMLMapper().readTree(ROOT.resolve(".github/workflows").resolve(file).toFile());
    }

    private static List<JsonNode> steps(JsonNode job) {
        return StreamSupport.stream(job.path("steps").spliterator(), false).toList();
    }

    private static String run(JsonNode step) {
        return step.path("run").asText("");
    }

    private static int indexOfStepRunning(JsonNode job, String command) {
        List<JsonNode> steps = steps(job);
        for (int i = 0; i < steps.size(); i++) {
            if (run(steps.get(i)).contains(command)) {
                return i;
            }
        }
        throw new AssertionError("no step runs " + command + ": " + job);
    }

    /**
     * Before step {@code before} of {@code job}: ArcadeDB from ci/real-arcadedb.sh exported as ARCADEDB_HOME, and
     * ARCADEDB_SERVER_JAVA exported from a setup-java step of Java 21 or newer (its output path).
     */
    private static void assertRealServersProvided(String where, JsonNode job, int before) {
        List<JsonNode> earlier = steps(job).subList(0, before);
        JsonNode home = earlier.stream().filter(s -> run(s).contains("ci/real-arcadedb.sh")).findFirst()
                .orElseThrow(() -> new AssertionError(where + ": no step before the run calls ci/real-arcadedb.sh: " + job));
        assertTrue(Pattern.compile("(\\w+)=\\$\\(ci/real-arcadedb\\.sh[^)]*\\)").matcher(run(home)).find()
                        && run(home).contains("ARCADEDB_HOME=$") && run(home).contains(">> \"$GITHUB_ENV\""),
                where + ": ci/real-arcadedb.sh's folder goes to $GITHUB_ENV as ARCADEDB_HOME: " + run(home));

        Matcher jdk = JDK_OUTPUT.matcher(run(home));
        assertTrue(jdk.find(), where + ": ARCADEDB_SERVER_JAVA is exported: " + run(home));
        String expression = home.path("env").path(jdk.group(1)).asText("");
        Matcher output = Pattern.compile("\\$\\{\\{\\s*steps\\.([\\w-]+)\\.outputs\\.path\\s*}}").matcher(expression);
        assertTrue(output.matches(), where + ": ARCADEDB_SERVER_JAVA comes from a setup-java step's path: " + jdk.group(1) + "=" + expression);
        JsonNode setup = earlier.stream().filter(s -> output.group(1).equals(s.path("id").asText())).findFirst()
                .orElseThrow(() -> new AssertionError(where + ": no earlier step with id " + output.group(1)));
        assertTrue(setup.path("uses").asText().startsWith("actions/setup-java@"), where + ": " + setup);
        int major = Integer.parseInt(setup.path("with").path("java-version").asText().strip().split("\\.")[0]);
        assertTrue(major >= 21, where + ": the servers' JDK is Java 21 or newer, saw " + major);
        JsonNode last = earlier.stream().filter(s -> s.path("uses").asText().startsWith("actions/setup-java@")).reduce((a, b) -> b).orElseThrow();
        assertEquals("17", last.path("with").path("java-version").asText(), where + ": the suite itself runs on the default JDK, 17, set up last");
    }

    private static void assertBusyboxInstalled(String where, JsonNode job, int before) {
        assertTrue(steps(job).subList(0, before).stream().map(WorkflowTest::run)
                        .anyMatch(r -> r.matches("(?s).*sudo apt-get install [^\\n]*\\bbusybox\\b.*")),
                where + ": a step before the test command installs busybox with sudo apt-get: " + job);
    }

    private static void assertNoRealServerOptOut(String where, JsonNode workflow, JsonNode job) {
        for (JsonNode node : List.of(workflow, job)) {
            assertFalse(node.toString().contains("HA_REAL_SERVERS"), where + ": real-server tests may not be made optional: " + node);
        }
    }

    /** The event names a job's {@code if:} lets through, or none when it has no {@code if:} (every trigger). */
    private static Set<String> eventsAllowed(JsonNode job) {
        String condition = job.path("if").asText("");
        Set<String> events = new TreeSet<>();
        Matcher m = EVENT_COMPARED.matcher(condition);
        while (m.find()) {
            events.add(m.group(1));
        }
        String rest = EVENT_COMPARED.matcher(condition).replaceAll("").replaceAll("\\|\\||[()\\s]", "");
        assertEquals("", rest, "the condition is only a choice of events, so it can be read here: " + condition);
        return events;
    }

    @Test
    void theTestJobGivesTheRealServerTestsArcadeDBAJdk21AndBusybox() throws IOException {
        JsonNode ci = workflow("ci.yml");
        JsonNode test = ci.path("jobs").path("test");
        int command = indexOfStepRunning(test, "ci/test.sh");
        assertRealServersProvided("ci.yml test", test, command);
        assertTrue(run(steps(test).get(indexOfStepRunning(test, "ci/real-arcadedb.sh"))).contains("$(ci/real-arcadedb.sh)"),
                "on pull requests the tag is the chart's appVersion (no argument)");
        assertBusyboxInstalled("ci.yml test", test, command);
        assertNoRealServerOptOut("ci.yml test", ci, test);
        assertTrue(ci.path("on").has("pull_request"), "the test job runs on pull requests");
    }

    @Test
    void theWeeklyRunGivesTheTestCommandTheLatestImage() throws IOException {
        JsonNode integration = workflow("integration.yml");
        assertTrue(integration.path("on").has("schedule"), "integration.yml is the weekly workflow");
        JsonNode job = integration.path("jobs").path("real-servers");
        int command = indexOfStepRunning(job, "ci/test.sh");
        assertRealServersProvided("integration.yml real-servers", job, command);
        assertBusyboxInstalled("integration.yml real-servers", job, command);
        assertNoRealServerOptOut("integration.yml real-servers", integration, job);
        assertTrue(run(steps(job).get(indexOfStepRunning(job, "ci/real-arcadedb.sh"))).contains("ci/real-arcadedb.sh \"$IMAGE_TAG\""));
        assertTrue(job.path("env").path("IMAGE_TAG").asText().matches("\\$\\{\\{\\s*github\\.event_name == 'schedule' && 'latest' \\|\\|.*"),
                "scheduled runs take the image tag latest: " + job.path("env"));
        assertEquals(Set.of("schedule", "workflow_dispatch"), eventsAllowed(job), "pull requests have ci.yml's test job");
    }

    @Test
    void theEveryNodeRunIsAWeeklyJobOfItsOwnThatReportsAndCannotFailAPullRequest() throws IOException {
        JsonNode integration = workflow("integration.yml");
        JsonNode job = integration.path("jobs").path("every-node");
        int suite = indexOfStepRunning(job, "--write-via every-node");
        JsonNode run = steps(job).get(suite);
        for (String part : List.of("ci/integration-test.sh --target local --arcadedb-home \"$ARCADEDB_HOME\"",
                "--phases failover,rolling-restart", "--report-dir \"$REPORT_DIR\"")) {
            assertTrue(run(run).replaceAll("\\s+", " ").contains(part), "the every-node step runs " + part + ": " + run(run));
        }
        assertRealServersProvided("integration.yml every-node", job, suite);
        assertTrue(job.path("env").path("IMAGE_TAG").asText().contains("github.event_name == 'schedule' && 'latest'"), job.path("env").toString());

        assertEquals(Set.of("schedule", "workflow_dispatch"), eventsAllowed(job), "never on pull requests: " + job.path("if"));
        assertTrue(job.path("continue-on-error").asBoolean(false), "a failed every-node job does not fail the workflow run");
        assertTrue(run.path("continue-on-error").asBoolean(false), "the run's own failure leaves the job green; its verdict is in the summary");
        JsonNode report = steps(job).get(indexOfStepRunning(job, "GITHUB_STEP_SUMMARY"));
        assertEquals("always()", report.path("if").asText(), "the verdict is reported whatever the run did");
        assertTrue(run(report).startsWith("ci/step-summary.sh \"$REPORT_DIR\" \"$OUTCOME\"")
                && report.path("env").path("OUTCOME").asText().replace(" ", "").equals("${{steps." + run.path("id").asText() + ".outcome}}"),
                "the summary is the run's report and the run step's outcome: " + report);

        for (String file : List.of("ci.yml", "integration.yml")) {
            workflow(file).path("jobs").fields().forEachRemaining(e -> {
                if (!e.getValue().equals(job)) {
                    assertFalse(e.getValue().toString().contains("every-node"), file + " job " + e.getKey() + " does not write via every node");
                }
            });
        }
    }

    @Test
    void onlyTheChartNamesTheArcadeDBVersion() throws IOException {
        String appVersion = new YAMLMapper().readTree(ROOT.resolve("charts/arcadedb/Chart.yaml").toFile()).path("appVersion").asText();
        for (Path file : List.of(ROOT.resolve(".github/workflows/ci.yml"), ROOT.resolve(".github/workflows/integration.yml"),
                ROOT.resolve("ci/real-arcadedb.sh"))) {
            assertFalse(Files.readString(file).contains(appVersion), file + " names " + appVersion + "; Chart.yaml's appVersion decides it");
        }
    }

    @Test
    void theStepSummaryShowsTheRunsVerdictAndNeverFails() throws Exception {
        Path reports = Files.createDirectories(tmp.resolve("every-node"));
        Files.writeString(reports.resolve("summary.txt"), "Run r1 on 3 local nodes: 1 of 2 phases failed\nfailover: LOST 2 acknowledged rows\n");
        String title = "failover and rolling-restart, --write-via every-node (ArcadeDB latest)";
        Map.Entry<Integer, String> failed = summary(reports.toString(), "failure", title);
        assertEquals(0, failed.getKey(), "a failed run is reported, not failed again");
        assertTrue(failed.getValue().startsWith("### " + title + "\n\nOutcome: **failed**"), failed.getValue());
        assertTrue(failed.getValue().contains("```\nRun r1 on 3 local nodes: 1 of 2 phases failed\nfailover: LOST 2 acknowledged rows\n"), failed.getValue());

        Map.Entry<Integer, String> none = summary(tmp.resolve("absent").toString(), "failure", title);
        assertEquals(0, none.getKey());
        assertTrue(none.getValue().contains("No summary.txt in `" + tmp.resolve("absent") + "`: the run stopped before its first report"), none.getValue());
        assertEquals(2, summary("only-one-argument").getKey());
    }

    private Map.Entry<Integer, String> summary(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("ci/step-summary.sh").toString()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("summary-out.md");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ci/step-summary.sh did not finish");
        }
        return Map.entry(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}
