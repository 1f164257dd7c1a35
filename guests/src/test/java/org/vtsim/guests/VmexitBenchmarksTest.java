package org.vtsim.guests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class VmexitBenchmarksTest {

    @Test
    void expectedOutputIsQuietAndListsEveryTestInOrder() {
        assertTrue((" " + Guests.defaultArgs("vmexit") + " ").contains(" quiet "),
                "cycle figures depend on the VMM and cost profile: the default run must be quiet");
        List<VmexitBenchmarks.Result> results = VmexitBenchmarks.parse(Guests.expectedOutput("vmexit"));
        assertEquals(VmexitBenchmarks.TESTS.stream().map(VmexitBenchmarks.Test::name).toList(),
                results.stream().map(VmexitBenchmarks.Result::name).toList());
        for (VmexitBenchmarks.Result r : results) {
            assertTrue(r.cyclesPerOp().isEmpty(), r.toString());
            // the host build (and any native run) is not in a VM
            assertEquals(r.name().equals("vmcall"), r.notInVm(), r.toString());
        }
        assertTrue(Guests.expectedOutput("vmexit").endsWith("vmexit: 8 tests\n"));
    }

    @Test
    void readsCycleFigures() {
        List<VmexitBenchmarks.Result> r = VmexitBenchmarks.parse(
                "vmexit: iters=10000 hlt_iters=100\ncpuid: 10000 iterations, 1523 cycles/op\n"
                        + "hlt_apic_timer: 100 iterations, 35647 cycles/op\nvmexit: 2 tests\n");
        assertEquals(List.of(new VmexitBenchmarks.Result("cpuid", 10000, OptionalLong.of(1523), false),
                new VmexitBenchmarks.Result("hlt_apic_timer", 100, OptionalLong.of(35647), false)), r);
        assertFalse(VmexitBenchmarks.parse("other: 3 iterations, 4 cycles/op\n").iterator().hasNext());
    }
}
