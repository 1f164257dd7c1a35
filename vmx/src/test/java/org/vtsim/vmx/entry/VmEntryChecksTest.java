package org.vtsim.vmx.entry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vtsim.vmx.VmxCapabilities;
import org.vtsim.vmx.entry.EntryCheckFailure.Kind;

/**
 * The VM-entry checks of SDM Vol. 3C 26.2 and 26.3.1 as properties: every generated baseline VMCS
 * passes; for every rule, a baseline with exactly that rule broken fails with exactly that failure.
 */
class VmEntryChecksTest {
    private static final int EXAMPLES = 40;

    static Stream<Breaker> breakers() {
        List<Breaker> all = new ArrayList<>();
        all.addAll(ControlBreakers.all());
        all.addAll(HostBreakers.all());
        all.addAll(GuestRegisterBreakers.all());
        all.addAll(SegmentBreakers.all());
        all.addAll(NonRegisterBreakers.all());
        return all.stream();
    }

    static VmEntryChecks checks(VmxCapabilities caps) {
        return new VmEntryChecks(caps);
    }

    @Test
    void everyBaselinePasses() {
        for (Spec spec : List.of(Spec.any(), Spec.any().with(Spec.SKYLAKE_EPT_VPID))) {
            VmEntryChecks checks = checks(spec.caps());
            qt().withExamples(300).forAll(BaselineGen.baselines(spec)).checkAssert(b -> {
                assertEquals(List.of(), checks.checkAll(b.vmcs, b.memory, b.processorIa32e));
                assertNull(checks.firstFailure(b.vmcs, b.memory, b.processorIa32e));
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakers")
    void breakingOneRuleFailsWithThatRule(Breaker breaker) {
        VmEntryChecks checks = checks(breaker.spec().caps());
        qt().withExamples(EXAMPLES).forAll(BaselineGen.baselines(breaker.spec())).checkAssert(b -> {
            breaker.edit().accept(b);
            List<EntryCheckFailure> all = checks.checkAll(b.vmcs, b.memory, b.processorIa32e);
            assertEquals(breaker.reportedFirst(), checks.firstFailure(b.vmcs, b.memory, b.processorIa32e),
                    () -> "all failures: " + all);
            if (breaker.exact()) {
                assertEquals(List.of(breaker.rule()), all);
            } else {
                assertTrue(all.contains(breaker.rule()), () -> "missing " + breaker.rule() + " in " + all);
            }
        });
    }

    /** Every rule constant of the check areas has a breaker (or a direct test listed here). */
    @Test
    void everyRuleHasABreaker() throws IllegalAccessException {
        Set<EntryCheckFailure> covered = new HashSet<>();
        breakers().forEach(b -> covered.add(b.rule()));
        covered.add(ControlFieldChecks.EPTP_ACCESSED_DIRTY); // eptpAccessedDirtyNeedsTheCapability
        List<String> missing = new ArrayList<>();
        for (EntryCheckFailure rule : allRules()) {
            if (!covered.contains(rule)) {
                missing.add(rule.toString());
            }
        }
        assertEquals(List.of(), missing);
    }

    static List<EntryCheckFailure> allRules() throws IllegalAccessException {
        List<EntryCheckFailure> rules = new ArrayList<>();
        for (Class<?> c : List.of(ControlFieldChecks.class, HostStateChecks.class, GuestRegisterChecks.class,
                SegmentChecks.class, NonRegisterStateChecks.class, PdpteChecks.class)) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                if (f.getType() == EntryCheckFailure.class) {
                    rules.add((EntryCheckFailure) f.get(null));
                } else if (f.getType() == EntryCheckFailure[].class) {
                    for (EntryCheckFailure e : (EntryCheckFailure[]) f.get(null)) {
                        if (e != null) {
                            rules.add(e);
                        }
                    }
                }
            }
        }
        return rules;
    }

    @Test
    void rulesReportTheirKindAndQualificationBySection() throws IllegalAccessException {
        for (EntryCheckFailure r : allRules()) {
            String s = r.sdmSection();
            Kind expected = s.startsWith("26.2.1") ? Kind.INVALID_CONTROL_FIELDS
                    : s.startsWith("26.2") ? Kind.INVALID_HOST_STATE : Kind.INVALID_GUEST_STATE;
            assertEquals(expected, r.kind(), r.toString());
            long q = s.equals("26.3.1.6") ? 2 : r.rule().contains("link pointer") ? 4 : 0;
            assertEquals(q, r.qualification(), r.toString());
        }
    }

    @Test
    void eptpAccessedDirtyNeedsTheCapability() {
        // The model advertises EPT A/D whenever it advertises EPT, so only a capability value
        // without bit 21 can show the rule.
        long capWithoutAd = Spec.SKYLAKE_EPT_VPID.eptVpidCap & ~VmxCapabilities.EPT_ACCESSED_DIRTY;
        long eptp = 0x7000 | 1 << 6 | 3 << 3 | 6;
        assertEquals(ControlFieldChecks.EPTP_ACCESSED_DIRTY,
                ControlFieldChecks.eptPointer(eptp, capWithoutAd, 46, FailureSink.FIRST));
        assertNull(ControlFieldChecks.eptPointer(eptp, Spec.SKYLAKE_EPT_VPID.eptVpidCap, 46, FailureSink.FIRST));
    }
}
