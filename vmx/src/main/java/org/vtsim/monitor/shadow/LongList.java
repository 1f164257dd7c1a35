package org.vtsim.monitor.shadow;

import java.util.Arrays;

/** A growable list of longs without boxing (host addresses of shadow entries in the reverse maps). */
final class LongList {
    private long[] values = new long[2];
    private int size;

    void add(long v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    /** Removes one occurrence of {@code v} (order is not kept). */
    void remove(long v) {
        for (int i = 0; i < size; i++) {
            if (values[i] == v) {
                values[i] = values[--size];
                return;
            }
        }
    }

    long get(int i) {
        return values[i];
    }

    int size() {
        return size;
    }
}
