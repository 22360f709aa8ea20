package ha.chart;

import ha.support.chart.ChartFixture;

import ha.support.chart.ChartFixture.Rendered;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static ha.support.chart.ChartFixture.render;
import static ha.support.chart.ChartFixture.set;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The config folder is a writable volume (the server writes its users file there), seeded before the server
 * starts with what the image ships in /home/arcadedb/config (the logging configuration server.sh points at).
 */
@DisplayName("Config folder seeded from the image")
class ConfigFolderTest {

    private static Container seed(Rendered r) {
        List<Container> init = r.pod().getInitContainers();
        assertEquals(1, init.size(), "one init container");
        assertEquals("seed-config", init.get(0).getName());
        return init.get(0);
    }

    @ParameterizedTest(name = "persistence.enabled={0}")
    @ValueSource(booleans = {false, true})
    void anInitContainerOfTheSameImageCopiesTheImagesConfigIntoTheConfigVolume(boolean persistence) {
        Rendered r = render(set("persistence.enabled", String.valueOf(persistence)));
        Container seed = seed(r);
        List<String> command = seed.getCommand();
        assertAll(
                () -> assertEquals(r.container().getImage(), seed.getImage(), "the files come from the server's own image"),
                () -> assertEquals(r.container().getImagePullPolicy(), seed.getImagePullPolicy()),
                () -> assertEquals(List.of("sh", "-c"), command.subList(0, 2)),
                () -> assertTrue(command.get(2).contains("[ -e \"$2/${f##*/}\" ] || cp -R \"$f\" \"$2\"/"), "copies what is missing only: " + command.get(2)),
                () -> assertEquals(List.of("seed-config", "/home/arcadedb/config", "/seed/config"), command.subList(3, 6),
                        "paths are plain arguments, not inside the script"),
                () -> assertTrue(seed.getArgs() == null || seed.getArgs().isEmpty()),
                () -> assertEquals(r.container().getSecurityContext(), seed.getSecurityContext(), "same restricted context"),
                () -> assertEquals(r.container().getResources(), seed.getResources()));
        List<VolumeMount> mounts = seed.getVolumeMounts();
        assertEquals(1, mounts.size(), "only the config volume");
        assertEquals("config", mounts.get(0).getName());
        assertEquals("/seed/config", mounts.get(0).getMountPath(), "not over /home/arcadedb/config, which it reads");
        assertFalse(Boolean.TRUE.equals(mounts.get(0).getReadOnly()));
        VolumeMount serverConfig = r.container().getVolumeMounts().stream().filter(m -> m.getName().equals("config")).findFirst().orElseThrow();
        assertEquals("/home/arcadedb/config", serverConfig.getMountPath(),
                "server.sh reads $ARCADEDB_HOME/config/arcadedb-log.properties, the server writes its users file there");
    }

    @ParameterizedTest(name = "replicaCount={0}")
    @ValueSource(ints = {1, 3})
    void theSeedSeesNoSecret(int replicas) {
        Container seed = seed(render(set("replicaCount", String.valueOf(replicas))));
        assertTrue(seed.getEnv() == null || seed.getEnv().isEmpty());
        assertTrue(seed.getVolumeMounts().stream().noneMatch(m -> m.getName().contains("password") || m.getName().contains("token")));
    }
}
