package dev.kordon.scale;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;

/** Redis Cluster's key-to-slot arithmetic, to tell which requests a dead master's slots can reach. */
final class Slots {
    private Slots() {}

    /** The hash slot of a key, as Redis Cluster computes it: CRC16 (XMODEM) of the hash tag or the key, mod 16384. */
    static int slotOf(String key) {
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                key = key.substring(open + 1, close);
            }
        }
        return crc16(key.getBytes(StandardCharsets.UTF_8)) & 0x3FFF;
    }

    /** The slot of every key tagged {@code {tag}}. */
    static int slotOfTag(String tag) {
        return slotOf("{" + tag + "}");
    }

    static int crc16(byte[] bytes) {
        int crc = 0;
        for (byte b : bytes) {
            crc ^= (b & 0xFF) << 8;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
        }
        return crc & 0xFFFF;
    }

    static String ranges(BitSet slots) {
        StringBuilder b = new StringBuilder();
        int i = slots.nextSetBit(0);
        while (i >= 0) {
            int end = slots.nextClearBit(i) - 1;
            b.append(b.length() == 0 ? "" : ",").append(i).append(end > i ? "-" + end : "");
            i = slots.nextSetBit(end + 1);
        }
        return b.length() == 0 ? "none" : b.toString();
    }
}
