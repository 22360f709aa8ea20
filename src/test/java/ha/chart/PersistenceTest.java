package ha.chart;

import ha.support.chart.ChartFixture;

import ha.support.chart.ChartFixture.Rendered;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static ha.support.chart.ChartFixture.render;
import static ha.support.chart.ChartFixture.renderYaml;
import static ha.support.chart.ChartFixture.set;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Claim templates or emptyDir, and a writable mount for everything the server writes. */
@DisplayName("Persistence and writable paths")
class PersistenceTest {

    private static final Map<String, String> WRITABLE = Map.of(
            "data", "/home/arcadedb/databases",
            "raft", "/home/arcadedb/raft",
            "config", "/home/arcadedb/config",
            "logs", "/home/arcadedb/log",
            "backups", "/home/arcadedb/backups",
            "tmp", "/tmp");

    private static Map<String, VolumeMount> mounts(Rendered r) {
        return r.container().getVolumeMounts().stream().collect(Collectors.toMap(VolumeMount::getName, Function.identity()));
    }

    private static Map<String, Volume> volumes(Rendered r) {
        return r.pod().getVolumes().stream().collect(Collectors.toMap(Volume::getName, Function.identity()));
    }

    private static Map<String, PersistentVolumeClaim> claims(Rendered r) {
        List<PersistentVolumeClaim> templates = r.statefulSet().getSpec().getVolumeClaimTemplates();
        return templates == null ? Map.of()
                : templates.stream().collect(Collectors.toMap(c -> c.getMetadata().getName(), Function.identity()));
    }

    @ParameterizedTest(name = "persistence.enabled={0}")
    @ValueSource(booleans = {false, true})
    void everyPathTheServerWritesIsAMountedVolumeOnAReadOnlyRoot(boolean persistence) {
        Rendered r = render(set("persistence.enabled", String.valueOf(persistence)));
        assertTrue(r.container().getSecurityContext().getReadOnlyRootFilesystem());
        Map<String, VolumeMount> mounts = mounts(r);
        WRITABLE.forEach((name, path) -> {
            assertEquals(path, mounts.get(name).getMountPath(), name);
            assertTrue(mounts.get(name).getReadOnly() == null || !mounts.get(name).getReadOnly(), name + " writable");
        });
        Set<String> sources = new HashSet<>(volumes(r).keySet());
        sources.addAll(claims(r).keySet());
        for (VolumeMount m : r.container().getVolumeMounts()) {
            assertTrue(sources.contains(m.getName()), () -> "mount " + m.getName() + " has a volume or claim");
        }
        Map<String, String> s = r.settings();
        assertAll(
                () -> assertEquals(WRITABLE.get("data"), s.get("arcadedb.server.databaseDirectory")),
                () -> assertEquals(WRITABLE.get("logs"), s.get("arcadedb.server.logsDirectory")),
                () -> assertEquals(WRITABLE.get("raft"), s.get("arcadedb.ha.raftStorageDirectory"), "Raft storage on its volume"),
                () -> assertEquals("/home/arcadedb", s.get("arcadedb.server.rootPath")),
                () -> assertEquals("/home/arcadedb", r.container().getWorkingDir()),
                () -> assertEquals(WRITABLE.get("logs"), r.env("ARCADEDB_LOG_DIR").orElseThrow().getValue()),
                () -> assertTrue(r.env("ARCADEDB_PID").orElseThrow().getValue().startsWith(WRITABLE.get("tmp") + "/"),
                        "server.sh writes its pid file to a writable place"));
    }

    @Test
    void withoutPersistenceStateLivesInEmptyDirs() {
        Rendered r = render(set());
        Map<String, Volume> v = volumes(r);
        for (String name : List.of("data", "raft", "config", "logs", "backups", "tmp")) {
            assertNotNull(v.get(name).getEmptyDir(), name);
        }
        assertTrue(claims(r).isEmpty());
        assertEquals(new Quantity("1Gi"), v.get("logs").getEmptyDir().getSizeLimit());
        assertEquals(new Quantity("1Gi"), v.get("tmp").getEmptyDir().getSizeLimit());
        assertEquals(new Quantity("5Gi"), v.get("backups").getEmptyDir().getSizeLimit());
        assertNull(r.statefulSet().getSpec().getPersistentVolumeClaimRetentionPolicy());
    }

    @Test
    void emptyDirSizeLimitsAreValuesAndCanBeRemoved() {
        Rendered r = render(set("emptyDir.logsSizeLimit", "2Gi", "emptyDir.tmpSizeLimit", "", "emptyDir.backupsSizeLimit", "20Gi"));
        Map<String, Volume> v = volumes(r);
        assertEquals(new Quantity("2Gi"), v.get("logs").getEmptyDir().getSizeLimit());
        assertNotNull(v.get("tmp").getEmptyDir());
        assertNull(v.get("tmp").getEmptyDir().getSizeLimit());
        assertEquals(new Quantity("20Gi"), v.get("backups").getEmptyDir().getSizeLimit());
    }

    @Test
    void withPersistenceDataRaftAndConfigAreClaimTemplates() {
        Rendered r = render(set("persistence.enabled", "true"));
        Map<String, PersistentVolumeClaim> claims = claims(r);
        assertEquals(Set.of("data", "raft", "config"), claims.keySet());
        Map<String, Volume> v = volumes(r);
        for (String name : claims.keySet()) {
            assertTrue(!v.containsKey(name), () -> name + " is not also a pod volume");
            PersistentVolumeClaim c = claims.get(name);
            assertEquals(List.of("ReadWriteOnce"), c.getSpec().getAccessModes());
            assertNull(c.getSpec().getStorageClassName(), "cluster default storage class");
            assertEquals(r.statefulSet().getSpec().getSelector().getMatchLabels(), c.getMetadata().getLabels());
        }
        assertEquals(new Quantity("10Gi"), claims.get("data").getSpec().getResources().getRequests().get("storage"));
        assertEquals(new Quantity("2Gi"), claims.get("raft").getSpec().getResources().getRequests().get("storage"));
        assertEquals(new Quantity("100Mi"), claims.get("config").getSpec().getResources().getRequests().get("storage"));
        for (String name : List.of("logs", "backups", "tmp")) {
            assertNotNull(v.get(name).getEmptyDir(), name + " stays ephemeral");
        }
    }

    @Test
    void claimsAreCreatedWithTheSameShapeWithoutHaSoScalingUpNeedsNoTemplateChange() {
        Set<String> single = claims(render(set("persistence.enabled", "true", "replicaCount", "1"))).keySet();
        Set<String> three = claims(render(set("persistence.enabled", "true"))).keySet();
        assertEquals(three, single, "volumeClaimTemplates are immutable on an existing StatefulSet");
    }

    @Test
    void storageClassSizesAccessModesAnnotationsAndRetentionAreValues() {
        Rendered r = renderYaml("""
                persistence:
                  enabled: true
                  storageClass: fast-ssd
                  accessModes: [ReadWriteOncePod]
                  annotations: {backup.example.org/schedule: nightly}
                  data: {size: 50Gi}
                  raft: {size: 8Gi}
                  config: {size: 1Gi}
                  retentionPolicy: {whenDeleted: Delete, whenScaled: Retain}
                """);
        Map<String, PersistentVolumeClaim> claims = claims(r);
        for (PersistentVolumeClaim c : claims.values()) {
            assertEquals("fast-ssd", c.getSpec().getStorageClassName());
            assertEquals(List.of("ReadWriteOncePod"), c.getSpec().getAccessModes());
            assertEquals("nightly", c.getMetadata().getAnnotations().get("backup.example.org/schedule"));
        }
        assertEquals(new Quantity("50Gi"), claims.get("data").getSpec().getResources().getRequests().get("storage"));
        assertEquals(new Quantity("8Gi"), claims.get("raft").getSpec().getResources().getRequests().get("storage"));
        assertEquals(new Quantity("1Gi"), claims.get("config").getSpec().getResources().getRequests().get("storage"));
        StatefulSet sts = r.statefulSet();
        assertEquals("Delete", sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted());
        assertEquals("Retain", sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled());
    }

    @Test
    void aDashStorageClassMeansNoClass() {
        for (PersistentVolumeClaim c : claims(render(set("persistence.enabled", "true", "persistence.storageClass", "-"))).values()) {
            assertEquals("", c.getSpec().getStorageClassName());
        }
    }

    @Test
    void persistenceNeedsAnAccessMode() {
        String err = ChartFixture.failure(set("persistence.enabled", "true"), "persistence:\n  accessModes: []\n");
        assertTrue(err.contains("persistence.accessModes must list at least one access mode"), err);
    }

    @Test
    void extraVolumesAndMountsAreAdded() {
        Rendered r = renderYaml("""
                extraVolumes:
                  - name: certs
                    secret: {secretName: db-certs}
                extraVolumeMounts:
                  - name: certs
                    mountPath: /home/arcadedb/certs
                    readOnly: true
                """);
        assertEquals("db-certs", volumes(r).get("certs").getSecret().getSecretName());
        VolumeMount m = mounts(r).get("certs");
        assertEquals("/home/arcadedb/certs", m.getMountPath());
        assertTrue(m.getReadOnly());
    }
}
