package ha.ci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ci/real-arcadedb.sh, which gives CI a real ArcadeDB out of the chart's image, run with a fake {@code docker} that
 * serves images made here (folders standing for their file systems) and records every call.
 */
class RealArcadedbScriptTest {
    static final Path ROOT = IntegrationScriptTest.ROOT;

    @TempDir
    Path tmp;

    private Path images;
    private Path calls;
    private Path cache;
    private String appVersion;
    private String imageBase;

    record Run(int exitCode, String stdout, String stderr) {
    }

    @BeforeEach
    void chartAndFakeDocker() throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        appVersion = yaml.readTree(ROOT.resolve("charts/arcadedb/Chart.yaml").toFile()).path("appVersion").asText();
        JsonNode image = yaml.readTree(ROOT.resolve("charts/arcadedb/values.yaml").toFile()).path("image");
        imageBase = image.path("registry").asText() + "/" + image.path("repository").asText();
        images = Files.createDirectories(tmp.resolve("images"));
        calls = tmp.resolve("docker-calls.txt");
        cache = tmp.resolve("cache");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        // images/<ref with / and : as _>/{id,rootfs/}; containers/<id> holds the image folder a container was made of
        String fake = """
                #!/usr/bin/env bash
                set -u
                echo "$*" >>"$FAKE_DOCKER_CALLS"
                folder() { printf '%s/%s' "$FAKE_DOCKER_IMAGES" "$(printf '%s' "$1" | tr '/:' '__')"; }
                case "$1" in
                  pull) ref=${!#}; [[ -d "$(folder "$ref")" ]] || { echo "Error response from daemon: manifest for $ref not found" >&2; exit 1; }
                        echo "$ref" ;;
                  image) ref=${!#}; cat "$(folder "$ref")/id" ;;
                  create) ref=$2; mkdir -p "$FAKE_DOCKER_IMAGES/../containers"; n=$(ls "$FAKE_DOCKER_IMAGES/../containers" | wc -l)
                        echo "$(folder "$ref")" >"$FAKE_DOCKER_IMAGES/../containers/c$n"; echo "c$n" ;;
                  cp) src=${2%%:*}; path=${2#*:}; image=$(cat "$FAKE_DOCKER_IMAGES/../containers/$src")
                      [[ -e "$image/rootfs$path" && ! -e "$3" ]] || { echo "Error: No such container:path: $2" >&2; exit 1; }
                      cp -r "$image/rootfs$path" "$3" ;;
                  rm) exit 0 ;;
                  *) echo "fake docker: unexpected $*" >&2; exit 1 ;;
                esac
                """;
        Path docker = bin.resolve("docker");
        Files.writeString(docker, fake);
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** An image whose /home/arcadedb holds bin/server.sh and lib/arcadedb-server-{@code version}.jar (or no lib/). */
    private void image(String ref, String id, String version, boolean withLib) throws IOException {
        Path folder = images.resolve(ref.replace('/', '_').replace(':', '_'));
        if (Files.exists(folder)) {
            try (Stream<Path> all = Files.walk(folder)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Path home = Files.createDirectories(folder.resolve("rootfs/home/arcadedb"));
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("bin/server.sh"), "#!/bin/sh\n");
        Files.createDirectories(home.resolve("config"));
        if (withLib) {
            Files.createDirectories(home.resolve("lib"));
            Files.writeString(home.resolve("lib/arcadedb-server-" + version + ".jar"), "jar");
            Files.writeString(home.resolve("lib/arcadedb-engine-" + version + ".jar"), "jar");
        }
        Files.writeString(folder.resolve("id"), id + "\n");
    }

    private Run script(boolean withDocker, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("ci/real-arcadedb.sh").toString(), "--cache", cache.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().put("PATH", (withDocker ? tmp.resolve("bin") + ":" : "") + "/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().put("FAKE_DOCKER_IMAGES", images.toString());
        pb.environment().put("FAKE_DOCKER_CALLS", calls.toString());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(1, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("ci/real-arcadedb.sh did not finish in a minute");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private List<String> takeCalls() throws IOException {
        if (!Files.exists(calls)) {
            return List.of();
        }
        List<String> all = Files.readAllLines(calls);
        Files.delete(calls);
        return all;
    }

    private static List<String> verbs(List<String> calls) {
        return calls.stream().map(c -> c.split(" ")[0]).toList();
    }

    @Test
    void theChartsAppVersionIsCopiedOutOfItsImageOnceAndThenReusedWithoutDocker() throws Exception {
        String ref = imageBase + ":" + appVersion;
        image(ref, "sha256:aaa", appVersion, true);
        Run first = script(true);
        assertEquals(0, first.exitCode(), first.stderr());
        Path home = cache.resolve(appVersion);
        assertEquals(home + "\n", first.stdout(), "stdout is only the folder, for ARCADEDB_HOME");
        assertTrue(Files.isRegularFile(home.resolve("lib/arcadedb-server-" + appVersion + ".jar")) && Files.isRegularFile(home.resolve("bin/server.sh")),
                "the image's /home/arcadedb is in " + home);
        List<String> calls = takeCalls();
        assertEquals(List.of("pull", "image", "create", "cp", "rm"), verbs(calls), calls.toString());
        assertEquals("create " + ref, calls.get(2), "the image of Chart.yaml's appVersion and values.yaml's image");
        assertEquals("cp c0:/home/arcadedb " + cache.resolve(appVersion + ".partial"), calls.get(3));
        assertTrue(first.stderr().contains("ArcadeDB " + appVersion + " from " + ref + " is in " + home), first.stderr());

        Run again = script(false, "");   // no docker on PATH at all; an empty TAG means the appVersion too
        assertEquals(0, again.exitCode(), again.stderr());
        assertEquals(home + "\n", again.stdout());
        assertEquals(List.of(), takeCalls(), "a cached version needs no Docker");
        assertFalse(Files.exists(cache.resolve(appVersion + ".partial")));
    }

    @Test
    void latestIsPulledEveryTimeAndCopiedAgainOnlyWhenTheImageChanged() throws Exception {
        String ref = imageBase + ":latest";
        image(ref, "sha256:one", "26.9.1", true);
        assertEquals(0, script(true, "latest").exitCode());
        assertEquals(List.of("pull", "image", "create", "cp", "rm"), verbs(takeCalls()));

        Run same = script(true, "latest");
        assertEquals(0, same.exitCode(), same.stderr());
        assertEquals(cache.resolve("latest") + "\n", same.stdout());
        assertEquals(List.of("pull", "image"), verbs(takeCalls()), "the same image is not copied again");

        image(ref, "sha256:two", "26.10.1", true);
        Run changed = script(true, "latest");
        assertEquals(0, changed.exitCode(), changed.stderr());
        assertEquals(List.of("pull", "image", "create", "cp", "rm"), verbs(takeCalls()));
        try (Stream<Path> lib = Files.list(cache.resolve("latest/lib"))) {
            assertEquals(List.of("arcadedb-engine-26.10.1.jar", "arcadedb-server-26.10.1.jar"),
                    lib.map(p -> p.getFileName().toString()).sorted().toList(), "the new image's jars only");
        }
    }

    @Test
    void anImageWithoutTheDistributionFailsInOneLineAndLeavesNoHalfCopy() throws Exception {
        image(imageBase + ":nolib", "sha256:bad", "x", false);
        Run run = script(true, "nolib");
        assertEquals(1, run.exitCode());
        assertEquals("", run.stdout());
        assertTrue(run.stderr().strip().endsWith("real-arcadedb: error: " + imageBase + ":nolib has no ArcadeDB distribution in "
                + "/home/arcadedb (no bin/server.sh and lib/)"), run.stderr());
        assertFalse(Files.exists(cache.resolve("nolib")) || Files.exists(cache.resolve("nolib.partial")), "nothing half-copied stays");
        assertEquals("rm --force c0", takeCalls().get(4), "the container is removed");
    }

    @Test
    void aVersionTagWhoseImageHoldsAnotherVersionFails() throws Exception {
        image(imageBase + ":26.8.1", "sha256:old", "26.7.3", true);
        Run run = script(true, "26.8.1");
        assertEquals(1, run.exitCode());
        assertEquals("real-arcadedb: error: " + imageBase + ":26.8.1 holds ArcadeDB 26.7.3, not 26.8.1", run.stderr().strip().lines()
                .reduce((a, b) -> b).orElse(""));
    }

    @Test
    void withoutDockerOrWithABadTagItSaysSoInOneLine() throws Exception {
        Run noDocker = script(false, "latest");
        assertEquals(1, noDocker.exitCode());
        assertEquals("real-arcadedb: error: docker is not on PATH: it is needed to copy ArcadeDB out of " + imageBase + ":latest",
                noDocker.stderr().strip());
        Run missing = script(true, "no-such-tag");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.stderr().strip().endsWith("real-arcadedb: error: docker could not pull " + imageBase + ":no-such-tag"), missing.stderr());
        Run bad = script(true, "not a tag");
        assertEquals(2, bad.exitCode());
        assertEquals("real-arcadedb: error: 'not a tag' is not an image tag (example: " + appVersion + " or latest)", bad.stderr().strip());
        Run two = script(true, "latest", "26.8.1");
        assertEquals(2, two.exitCode());
        assertEquals("real-arcadedb: error: one TAG at most, saw 'latest' and '26.8.1'", two.stderr().strip());
    }
}
