package ha.ci;

import ha.support.real.OneRealClusterAtATime;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end of ci/test.sh: ci/skipped-tests.sh over a Maven build folder made here (Surefire reports and the skip file that
 * {@link OneRealClusterAtATime} writes for a real-server test that did not run), with CI=true as GitHub sets it.
 */
class SkippedTestsScriptTest {
    static final Path ROOT = IntegrationScriptTest.ROOT;

    @TempDir
    Path tmp;

    record Run(int exitCode, String stdout, String stderr) {
        List<String> lines(String prefix) {
            return stdout.lines().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    /** Stands in for a real-server test class: only its name and its methods' names are used. */
    static final class ThreeRealServersTest {
        void everyPhasePasses() {
        }

        void chartPods(boolean persistence) {
        }
    }

    private Run check(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("ci/skipped-tests.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().keySet().removeAll(List.of("CI", "HA_REAL_SERVERS"));   // only what the test gives counts
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(1, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("ci/skipped-tests.sh did not finish in a minute");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /**
     * A Maven build folder with one Surefire report: 4 tests, 1 failure, and the given skipped test cases (at most 3), written as
     * Surefire 3.5.4 writes an aborted test (the exception's first line and its stack as the element's text).
     */
    private Path target(String... skippedCases) throws IOException {
        Path target = Files.createDirectories(tmp.resolve("target"));
        Path reports = Files.createDirectories(target.resolve("surefire-reports"));
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"ha.x.SomeTest\" tests=\"4\""
                + " failures=\"1\" errors=\"0\" skipped=\"" + skippedCases.length + "\">\n");
        for (int i = 1; i <= 3 - skippedCases.length; i++) {
            xml.append("<testcase name=\"passes").append(i).append("\" classname=\"ha.x.SomeTest\" time=\"0.1\"/>\n");
        }
        xml.append("<testcase name=\"fails\" classname=\"ha.x.SomeTest\" time=\"0.1\">\n")
                .append("<failure message=\"expected 1, saw 2\" type=\"org.opentest4j.AssertionFailedError\"/>\n</testcase>\n");
        for (String name : skippedCases) {
            xml.append("<testcase name=\"").append(name).append("\" classname=\"ha.x.SomeTest\" time=\"0\">\n")
                    .append("<skipped type=\"org.opentest4j.TestAbortedException\"><![CDATA[org.opentest4j.TestAbortedException: ")
                    .append("Assumption failed: skipped: no \"").append(name).append("\" here\n\tat ha.x.SomeTest.").append(name)
                    .append("(SomeTest.java:52)\n]]></skipped>\n</testcase>\n");
        }
        xml.append("</testsuite>\n");
        Files.writeString(reports.resolve("TEST-ha.x.SomeTest.xml"), xml);
        return target;
    }

    /** What the extension records when a real-server test's assumption fails, as JUnit calls it. */
    private static void aborted(Path target, String method, String display, String message) {
        new OneRealClusterAtATime(target.resolve("real-server-skips.txt")).testAborted(context(method, display),
                new TestAbortedException(message));
    }

    private static ExtensionContext context(String methodName, String display) {
        Method method = java.util.Arrays.stream(ThreeRealServersTest.class.getDeclaredMethods())
                .filter(m -> m.getName().equals(methodName)).findFirst().orElseThrow();
        return (ExtensionContext) Proxy.newProxyInstance(ExtensionContext.class.getClassLoader(), new Class<?>[] {ExtensionContext.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "getTestClass" -> Optional.of(ThreeRealServersTest.class);
                    case "getTestMethod" -> Optional.of(method);
                    case "getDisplayName" -> display;
                    case "toString" -> "context of " + methodName;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void underCiEachSkippedRealServerTestFailsTheCommandWithOneLineNamingItAndWhy() throws Exception {
        Path target = target("everyPhasePasses", "chartPods");
        aborted(target, "everyPhasePasses", "everyPhasePasses()",
                "Assumption failed: skipped: no real ArcadeDB installation at /nowhere/26.8.1\n(set ARCADEDB_HOME)");
        aborted(target, "chartPods", "[2] persistence=false", "Assumption failed: skipped: busybox is not installed");

        Run run = check(Map.of("CI", "true"), target.toString());
        assertEquals(1, run.exitCode(), run.stdout() + run.stderr());
        assertEquals(List.of("error: real-server test ThreeRealServersTest.everyPhasePasses was skipped: "
                        + "no real ArcadeDB installation at /nowhere/26.8.1 (set ARCADEDB_HOME)",
                "error: real-server test ThreeRealServersTest.chartPods ([2] persistence=false) was skipped: busybox is not installed"),
                run.lines("error:"), run.stdout());
        assertEquals(List.of("surefire: 4 tests, 1 failures, 0 errors, 2 skipped"), run.lines("surefire:"), "Surefire's totals are shown");
        assertEquals(List.of("  skipped: ha.x.SomeTest.everyPhasePasses: no \"everyPhasePasses\" here",
                "  skipped: ha.x.SomeTest.chartPods: no \"chartPods\" here"), run.lines("  skipped:"), run.stdout());
        assertTrue(run.stdout().strip().endsWith("or set HA_REAL_SERVERS=optional)"), "the way out is the last line: " + run.stdout());
    }

    @Test
    void haRealServersOptionalOrNoCiTurnsTheSkipsIntoNotes() throws Exception {
        Path target = target("everyPhasePasses");
        aborted(target, "everyPhasePasses", "everyPhasePasses()", "Assumption failed: skipped: no JDK 21+ to run ArcadeDB servers");
        String note = "note: real-server test ThreeRealServersTest.everyPhasePasses was skipped: no JDK 21+ to run ArcadeDB servers";
        for (Map<String, String> env : List.of(Map.of("CI", "true", "HA_REAL_SERVERS", "optional"), Map.<String, String>of(),
                Map.of("CI", "false"))) {
            Run run = check(env, target.toString());
            assertEquals(0, run.exitCode(), env + ": " + run.stdout() + run.stderr());
            assertEquals(List.of(note), run.lines("note:"), env + ": " + run.stdout());
            assertEquals(List.of(), run.lines("error:"), env + ": " + run.stdout());
        }
    }

    @Test
    void underCiARunWithoutSkippedRealServerTestsPassesAndStillShowsTheSkippedCount() throws Exception {
        Path target = target("portsInUse");   // a skip of an ordinary test is shown, not fatal
        Run run = check(Map.of("CI", "true"), target.toString());
        assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
        assertEquals(List.of("surefire: 4 tests, 1 failures, 0 errors, 1 skipped", "  skipped: ha.x.SomeTest.portsInUse: no \"portsInUse\" here",
                "real-server tests: none skipped"), run.stdout().lines().toList());
    }

    /** Surefire 3.5.4 writes a JUnit suite's report with its classes' cases inside and tests="0" on the root. */
    @Test
    void theCasesOfASuiteCountThoughItsReportSaysNone() throws Exception {
        Path target = target();
        Files.writeString(target.resolve("surefire-reports").resolve("TEST-ha.x.SomeSuiteTest.xml"),
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"ha.x.SomeSuiteTest\" time=\"3.2\" tests=\"0\" errors=\"0\""
                        + " skipped=\"0\" failures=\"0\">\n<testcase name=\"one\" classname=\"ha.x.RealATest\" time=\"1.5\"/>\n"
                        + "<testcase name=\"two\" classname=\"ha.x.RealBTest\" time=\"1.2\">\n<failure message=\"expected 0, saw 1\"/>\n</testcase>\n"
                        + "<testcase name=\"three\" classname=\"ha.x.RealBTest\" time=\"0\">\n<skipped message=\"no busybox\"/>\n</testcase>\n"
                        + "</testsuite>\n");
        Run run = check(Map.of(), target.toString());
        assertEquals(0, run.exitCode(), run.stdout() + run.stderr());
        assertEquals(List.of("surefire: 7 tests, 2 failures, 0 errors, 1 skipped"), run.lines("surefire:"), run.stdout());
        assertEquals(List.of("  skipped: ha.x.RealBTest.three: no busybox"), run.lines("  skipped:"), run.stdout());
    }

    @Test
    void aDisabledRealServerTestCountsAsSkipped() throws Exception {
        Path target = target();
        new OneRealClusterAtATime(target.resolve("real-server-skips.txt")).testDisabled(context("everyPhasePasses", "everyPhasePasses()"),
                Optional.of("until the cluster token is fixed"));
        Run run = check(Map.of("CI", "true"), target.toString());
        assertEquals(1, run.exitCode(), run.stdout());
        assertEquals(List.of("error: real-server test ThreeRealServersTest.everyPhasePasses was skipped: disabled: until the cluster token is fixed"),
                run.lines("error:"));
    }

    @Test
    void badUsageIsOneLineAndExitTwo() throws Exception {
        Path target = target();
        Run typo = check(Map.of("CI", "true", "HA_REAL_SERVERS", "optinal"), target.toString());
        assertEquals(2, typo.exitCode());
        assertEquals("error: HA_REAL_SERVERS must be 'optional' or 'required', saw 'optinal'", typo.stderr().strip());
        Run missing = check(Map.of(), tmp.resolve("no-such-target").toString());
        assertEquals(2, missing.exitCode());
        assertEquals("error: no folder '" + tmp.resolve("no-such-target") + "' (run Maven's tests first)", missing.stderr().strip());
        Run option = check(Map.of(), "--strict");
        assertEquals(2, option.exitCode());
        assertEquals("error: unknown option '--strict'; see ci/skipped-tests.sh --help", option.stderr().strip());
    }

    @Test
    void theTestCommandClearsTheSkipFileBeforeMavenAndChecksItAfterwards() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("ci/test.sh"));
        int clear = indexOf(lines, "rm -rf target/test-notes.txt target/real-server-skips.txt target/surefire-reports");
        int maven = indexOf(lines, "mvn -B -ntp test 2>&1 | tee build/mvn-test.log");
        int check = indexOf(lines, "ci/skipped-tests.sh target");
        assertTrue(clear < maven && maven < check, "ci/test.sh: clear (line " + clear + "), mvn (" + maven + "), check (" + check + ")");
        assertTrue(lines.subList(check, lines.size()).stream().anyMatch(l -> l.contains("status=$skips")),
                "the check's verdict decides the exit status when Maven passed");
    }

    private static int indexOf(List<String> lines, String line) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(line)) {
                return i;
            }
        }
        throw new AssertionError("ci/test.sh has no line «" + line + "»");
    }
}
