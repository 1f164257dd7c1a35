package org.vtsim.monitor.stats;

import java.util.Arrays;

/**
 * Open-addressing hash map from a {@code long} key to its {@link RunningStats}: the breakdown tables'
 * store, so that recording an exit whose key was seen before boxes and allocates nothing.
 */
final class LongStatsMap {
    private long[] keys = new long[16];
    private RunningStats[] values = new RunningStats[16];
    private int size;

    RunningStats getOrCreate(long key) {
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (values[i] != null) {
            if (keys[i] == key) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        RunningStats s = new RunningStats();
        keys[i] = key;
        values[i] = s;
        if (++size * 2 > keys.length) {
            grow();
        }
        return s;
    }

    int size() {
        return size;
    }

    /** The keys in ascending (signed) order. */
    long[] sortedKeys() {
        long[] out = new long[size];
        int n = 0;
        for (int i = 0; i < keys.length; i++) {
            if (values[i] != null) {
                out[n++] = keys[i];
            }
        }
        Arrays.sort(out);
        return out;
    }

    RunningStats get(long key) {
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (values[i] != null) {
            if (keys[i] == key) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    private void grow() {
        long[] oldKeys = keys;
        RunningStats[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new RunningStats[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldValues[j] != null) {
                int i = mix(oldKeys[j]) & mask;
                while (values[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
            }
        }
    }

    private static int mix(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
