package ha.chart;

import ha.support.chart.ChartFixture;

import ha.support.chart.ChartFixture.Rendered;
import ha.target.kube.SecretFiles;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static ha.support.chart.ChartFixture.render;
import static ha.support.chart.ChartFixture.set;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The suite's own discovery ({@link SecretFiles}, used by KubeTarget) finds the Secret the chart's pods read. */
@DisplayName("The suite finds the chart's Secrets")
class SuiteFindsTheSecretTest {

    static Stream<Arguments> installs() {
        return Stream.of(
                Arguments.of(set(), "test-arcadedb-credentials", "rootPassword", "test-arcadedb-credentials", "clusterToken"),
                Arguments.of(set("auth.existingSecret", "team-root", "auth.secretKey", "pw"), "team-root", "pw",
                        "test-arcadedb-credentials", "clusterToken"),
                Arguments.of(set("auth.clusterToken.existingSecret", "raft", "auth.clusterToken.secretKey", "t"),
                        "test-arcadedb-credentials", "rootPassword", "raft", "t"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("installs")
    void theSuiteReadsTheSecretKeyThePodMounts(Map<String, String> values, String secret, String key, String tokenSecret, String tokenKey) {
        Rendered r = render(values);
        SecretFiles.SecretKey password = SecretFiles.find(r.statefulSet(), r.container(), "arcadedb.server.rootPasswordPath",
                r.settings().get("arcadedb.server.rootPasswordPath"), "root password");
        assertEquals(new SecretFiles.SecretKey(secret, key), password);
        SecretFiles.SecretKey token = SecretFiles.find(r.statefulSet(), r.container(), "arcadedb.ha.clusterTokenPath",
                r.settings().get("arcadedb.ha.clusterTokenPath"), "cluster token");
        assertEquals(new SecretFiles.SecretKey(tokenSecret, tokenKey), token);
    }
}
