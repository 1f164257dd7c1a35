package org.vtsim.vmx.entry;

import static org.vtsim.vmx.entry.Breaker.of;
import static org.vtsim.vmx.entry.SegmentChecks.*;
import static org.vtsim.vmx.vmcs.VmcsField.*;

import java.util.ArrayList;
import java.util.List;

/** Breakers of SDM Vol. 3C 26.3.1.2, per register and guest mode (exit reason 33, qualification 0). */
final class SegmentBreakers {
    private SegmentBreakers() {
    }

    private static final int[] DATA = {ES, DS, FS, GS};

    /** Makes register r usable and valid (CS always is; TR always is). */
    static Baseline usable(Baseline b, int r) {
        return switch (r) {
            case SS -> b.usableSs();
            case LDTR -> b.usableLdtr();
            case CS, TR -> b;
            default -> b.usableData(r);
        };
    }

    static List<Breaker> all() {
        Spec any = Spec.any();
        Spec pm = any.protectedOrLong();
        Spec v86 = any.kinds(GuestKind.VIRTUAL_8086);
        List<Breaker> l = new ArrayList<>(List.of(
                of("TR selector TI set", TR_TI, b -> b.or(GUEST_TR_SELECTOR, 4)),
                of("usable LDTR selector TI set", LDTR_TI, b -> b.usableLdtr().or(GUEST_LDTR_SELECTOR, 4)),
                of("CS selector RPL differs from SS RPL", SS_RPL,
                        b -> b.set(GUEST_CS_SELECTOR, b.get(GUEST_CS_SELECTOR) ^ 1)).in(pm),
                of("CS type 8 (not accessed)", CS_TYPE, b -> b.ar(CS, 0xf, 8)).in(pm),
                of("CS type 3 without unrestricted guest", CS_TYPE, b -> {
                    b.ar(CS, 0xf | 0x60 | GuestMode.AR_L, 3); // DPL 0 as a type-3 CS needs
                    b.set(GUEST_RIP, b.get(GUEST_RIP) & 0xffffffffL);
                }).in(pm).notAlone(),
                of("CS type 3 with DPL 1", CS_DPL_DATA, b -> b.ar(CS, 0xf | GuestMode.AR_L, 0x20 | 3))
                        .in(pm).maskedBy(CS_TYPE),
                of("usable SS of type 1 (read-only)", SS_TYPE, b -> b.usableSs().ar(SS, 0xf, 1)).in(pm),
                of("CS type 11 with DPL above SS.DPL", CS_DPL_NONCONFORMING, b -> {
                    b.ar(CS, 0xf | 0x60, 11 | ((b.ssDpl() + 1) & 3) << 5);
                }).in(pm),
                of("CS type 15 with DPL above SS.DPL", CS_DPL_CONFORMING, b -> b.ar(CS, 0xf | 0x60, 15 | 1 << 5))
                        .in(pm.cpl0()),
                of("SS DPL differs from SS RPL (CS RPL follows)", SS_DPL_RPL, b -> {
                    b.set(GUEST_SS_SELECTOR, b.get(GUEST_SS_SELECTOR) ^ 2);
                    b.set(GUEST_CS_SELECTOR, b.get(GUEST_CS_SELECTOR) ^ 2);
                }).in(pm),
                of("SS DPL 1 with a type-3 CS", SS_DPL_ZERO, b -> {
                    b.ar(CS, 0xf | 0x60 | GuestMode.AR_L, 3);
                    b.ar(SS, 0x60, 0x20);
                }).in(pm).maskedBy(CS_TYPE),
                of("IA-32e mode CS with L and D/B", CS_DB_LONG, b -> b.ar(CS, 0, 1 << 14))
                        .in(any.kinds(GuestKind.LONG_64)),
                of("TR type 9 (available TSS)", TR_TYPE, b -> b.ar(TR, 0xf, 9)),
                of("TR type 3 with an IA-32e mode guest", TR_TYPE, b -> b.ar(TR, 0xf, 3)).in(any.ia32e()),
                of("TR S set", TR_S, b -> b.ar(TR, 0, 0x10)),
                of("TR P clear", TR_P, b -> b.ar(TR, 0x80, 0)),
                of("TR unusable", TR_UNUSABLE, b -> b.ar(TR, 0, GuestMode.AR_UNUSABLE)),
                of("usable LDTR type 3", LDTR_TYPE, b -> b.usableLdtr().ar(LDTR, 0xf, 3)),
                of("usable LDTR S set", LDTR_S, b -> b.usableLdtr().ar(LDTR, 0, 0x10)),
                of("usable LDTR P clear", LDTR_P, b -> b.usableLdtr().ar(LDTR, 0x80, 0))));

        for (int r = ES; r <= GS; r++) {
            int x = r;
            String n = NAMES[r];
            l.add(of("virtual-8086 " + n + " base off by 16", V86_BASE[x],
                    b -> b.set(BASE[x], b.get(BASE[x]) ^ 0x10)).in(v86));
            l.add(of("virtual-8086 " + n + " limit FFFEH", V86_LIMIT[x], b -> b.set(LIMIT[x], 0xfffe)).in(v86));
            l.add(of("virtual-8086 " + n + " access rights F1H", V86_ACCESS_RIGHTS[x],
                    b -> b.set(ACCESS_RIGHTS[x], 0xf1)).in(v86));
            l.add(of("virtual-8086 " + n + " access rights 100F3H", V86_ACCESS_RIGHTS[x],
                    b -> b.set(ACCESS_RIGHTS[x], 0x100f3)).in(v86));
            l.add(of("usable " + n + " S clear", S_SET[x], b -> usable(b, x).ar(x, 0x10, 0)).in(pm));
            l.add(of("usable " + n + " P clear", P_SET[x], b -> usable(b, x).ar(x, 0x80, 0)).in(pm));
            l.add(of("usable " + n + " access-rights bit 8 set", RESERVED_11_8[x],
                    b -> usable(b, x).ar(x, 0, 1 << 8)).in(pm));
            l.add(of("usable " + n + " access-rights bit 17 set", RESERVED_31_17[x],
                    b -> usable(b, x).ar(x, 0, 1 << 17)).in(pm));
            l.add(of("usable " + n + " G set with limit FFFH-1", GRANULARITY[x],
                    b -> usable(b, x).ar(x, 0, 1 << 15).set(LIMIT[x], 0xffe)).in(pm));
            l.add(of("usable " + n + " G clear with limit 100000H", GRANULARITY[x],
                    b -> usable(b, x).ar(x, 1 << 15, 0).set(LIMIT[x], 0x100000)).in(pm));
        }
        for (int r : DATA) {
            String n = NAMES[r];
            l.add(of("usable " + n + " type 2 (not accessed)", TYPE_ACCESSED[r], b -> b.usableData(r).ar(r, 0xf, 2))
                    .in(pm));
            l.add(of("usable " + n + " type 9 (execute-only code)", TYPE_READABLE[r],
                    b -> b.usableData(r).ar(r, 0xf, 9)).in(pm));
            l.add(of("usable " + n + " DPL 0 below RPL 3", DPL_RPL[r], b -> {
                b.usableData(r).ar(r, 0x60, 0);
                b.or(SELECTOR[r], 3);
            }).in(pm));
        }
        for (int r : new int[] {FS, GS, LDTR, TR}) {
            l.add(of(NAMES[r] + " base non-canonical", BASE_CANONICAL[r],
                    b -> usable(b, r).set(BASE[r], HostBreakers.NON_CANONICAL)).in(r == FS || r == GS ? pm : any));
        }
        for (int r : new int[] {ES, CS, SS, DS}) {
            l.add(of("usable " + NAMES[r] + " base bit 32 set", BASE_HIGH[r],
                    b -> usable(b, r).or(BASE[r], 1L << 32)).in(pm));
        }
        for (int r : new int[] {LDTR, TR}) {
            l.add(of(NAMES[r] + " access-rights bit 9 set", RESERVED_11_8[r], b -> usable(b, r).ar(r, 0, 1 << 9)));
            l.add(of(NAMES[r] + " access-rights bit 31 set", RESERVED_31_17[r],
                    b -> usable(b, r).ar(r, 0, 1 << 31)));
            l.add(of(NAMES[r] + " G clear with limit FFFFFFFFH", GRANULARITY[r], b -> usable(b, r).ar(r, 1 << 15, 0)
                    .set(LIMIT[r], 0xffffffffL)));
        }
        return l;
    }
}
