package org.vtsim.conformance.differential;

import java.util.Map;
import org.vtsim.cpu.AddressTranslation;
import org.vtsim.cpu.CpuFault;
import org.vtsim.cpu.Vectors;

/**
 * Identity translation limited to the harness's code and scratch pages, as the native process
 * has them: any access outside raises #PF (error code per SDM Vol. 3A 4.7: P=0, W/R, U/S, I/D),
 * so a stray model access shows up as a fault rather than silently reading zeros. Used until the
 * CPU is wired to the real page walker; the differential test is about instruction semantics.
 */
final class FlatTranslation implements AddressTranslation {
    @Override
    public long translate(long linear, int access, boolean user) {
        if (linear < Layout.CODE || linear >= Layout.DATA + Layout.DATA_SIZE) {
            int error = (access == WRITE ? 2 : 0) | (user ? 4 : 0) | (access == FETCH ? 16 : 0);
            throw CpuFault.withError(Vectors.PF, error);
        }
        return linear;
    }

    @Override
    public long takeCycles() {
        return 0;
    }

    @Override
    public void flushAll(boolean includeGlobal) {
    }

    @Override
    public void invalidatePage(long linear) {
    }

    @Override
    public void invalidatePcid(int type, long pcid, long linear) {
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of();
    }
}
