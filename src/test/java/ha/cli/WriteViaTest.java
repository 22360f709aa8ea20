package ha.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ha.CommonOptions;
import ha.WriteVia;
import org.junit.jupiter.api.Test;

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
