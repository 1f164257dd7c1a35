package org.vtsim.conformance.differential;

/**
 * A general-purpose register operand of a given size in bytes. {@code high8} selects AH, CH, DH
 * or BH (encoded as 4-7 without a REX prefix; SDM Vol. 2A 2.2.1.2, Table 3-1).
 */
record Reg(int num, int size, boolean high8) implements Operand {
    static final int RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;

    private static final String[] N64 = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"};
    private static final String[] N32 = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    private static final String[] N16 = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
    private static final String[] N8 = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"};
    private static final String[] N8H = {"ah", "ch", "dh", "bh"};

    Reg {
        if (num < 0 || num > 15 || (size != 1 && size != 2 && size != 4 && size != 8)
                || (high8 && (size != 1 || num > 3))) {
            throw new IllegalArgumentException("bad register " + num + "/" + size + "/" + high8);
        }
    }

    static Reg of(int num, int size) {
        return new Reg(num, size, false);
    }

    static Reg high(int num) {
        return new Reg(num, 1, true);
    }

    /** The 3-bit field value in ModRM/opcode. */
    int low3() {
        return high8 ? num + 4 : num & 7;
    }

    /** SPL, BPL, SIL, DIL are reachable only with a REX prefix. */
    boolean needsRex() {
        return size == 1 && !high8 && num >= 4 && num <= 7;
    }

    @Override
    public String toString() {
        if (high8) {
            return N8H[num];
        }
        if (num < 8) {
            return switch (size) {
                case 8 -> N64[num];
                case 4 -> N32[num];
                case 2 -> N16[num];
                default -> N8[num];
            };
        }
        return "r" + num + switch (size) {
            case 8 -> "";
            case 4 -> "d";
            case 2 -> "w";
            default -> "b";
        };
    }
}
