package org.vtsim.ept.tlb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The lookup skips the probe of a page size the array holds no entry of. Over random fills (4 KiB, 2 MiB,
 * 4 MiB fragments and whole pages, PCIDs, globals, context tags) and invalidations of every kind: the
 * per-size counts equal the valid entries of each size, and every lookup returns the entry a full scan of
 * the probed sets finds (so the skip never turns a hit into a miss or picks another entry).
 */
class TlbArraySkipTest {
    private static final int[] SHIFTS = {12, 21, 22};

    @Test
    void skippingEmptySizesNeverChangesALookup() {
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            TlbArray a = new TlbArray(new TlbArraySpec("T", 16, 4, 12, 21, 22));
            for (int step = 0; step < 300; step++) {
                // A few pages in a few 4 MiB regions, so sets collide and sizes overlap.
                long la = (long) r.nextInt(4) << 22 | (long) r.nextInt(8) << 12 | r.nextInt(4096);
                int pcid = r.nextInt(3);
                long tag = r.nextInt(2);
                int op = r.nextInt(10);
                if (op < 5) {
                    int shift = SHIFTS[r.nextInt(3)];
                    int orig = r.nextInt(4) == 0 ? 30 : shift;
                    a.insert(la, shift, la >>> shift << shift, orig, 3, r.nextInt(5) == 0, pcid, tag);
                } else if (op == 5) {
                    a.invalidateAddress(la, r.nextBoolean() ? pcid : -1, tag, r.nextBoolean());
                } else if (op == 6) {
                    a.invalidateContext(r.nextBoolean() ? pcid : -1, tag, r.nextBoolean());
                } else if (op == 7 && r.nextInt(8) == 0) {
                    a.invalidateAll();
                } else {
                    int expected = a.findByFullScan(la, pcid, tag);
                    assertEquals(expected, a.find(la, pcid, tag), "lookup of " + Long.toHexString(la));
                }
                for (int s : SHIFTS) {
                    assertEquals(countValid(a, s), a.validEntriesCounted(s), "entries of shift " + s);
                }
            }
        });
    }

    private static int countValid(TlbArray a, int shift) {
        int n = 0;
        for (int i = 0; i < a.spec.entries(); i++) {
            if (a.keyAt(i) != -1L && a.shiftAt(i) == shift) {
                n++;
            }
        }
        return n;
    }
}
