package ha.cli;

import ha.run.CommonOptions;
import ha.run.WriteVia;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --write-via: service by default, leader, every-node and its old name all. */
class WriteViaTest {
    @Test
    void theDefaultIsTheClientServiceAndEveryNameParses() {
        assertEquals(WriteVia.SERVICE, new CommonOptions().writeVia);
        assertEquals(WriteVia.SERVICE, WriteVia.parse("service"));
        assertEquals(WriteVia.LEADER, WriteVia.parse("leader"));
        assertEquals(WriteVia.EVERY_NODE, WriteVia.parse("every-node"));
        assertEquals(WriteVia.EVERY_NODE, WriteVia.parse("all"), "the old name of every-node still works");
        assertEquals("every-node", WriteVia.EVERY_NODE.toString());
    }

    @Test
    void anUnknownPlaceNamesTheOnesThereAre() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WriteVia.parse("followers"));
        assertEquals("'followers' is not a place to send writes to; expected one of service, leader, every-node (or all for every-node)",
                e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }
}
