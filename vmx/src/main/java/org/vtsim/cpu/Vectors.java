package org.vtsim.cpu;

/** Exception vectors (SDM Vol. 3A 6.3.1, Table 6-1). */
public final class Vectors {
    public static final int DE = 0;
    public static final int DB = 1;
    public static final int NMI = 2;
    public static final int BP = 3;
    public static final int OF = 4;
    public static final int BR = 5;
    public static final int UD = 6;
    public static final int NM = 7;
    public static final int DF = 8;
    public static final int TS = 10;
    public static final int NP = 11;
    public static final int SS = 12;
    public static final int GP = 13;
    public static final int PF = 14;
    public static final int MF = 16;
    public static final int AC = 17;
    public static final int MC = 18;
    public static final int XM = 19;
    public static final int VE = 20;
    public static final int CP = 21;

    private static final String[] NAMES = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF",
        "coprocessor-segment-overrun", "#TS", "#NP", "#SS", "#GP", "#PF", "reserved-15", "#MF", "#AC", "#MC",
        "#XM", "#VE", "#CP"};

    private Vectors() {
    }

    public static String name(int vector) {
        return vector >= 0 && vector < NAMES.length ? NAMES[vector] : "vector " + vector;
    }

    /** Whether the exception pushes an error code (SDM Vol. 3A Table 6-1). */
    public static boolean hasErrorCode(int vector) {
        return switch (vector) {
            case DF, TS, NP, SS, GP, PF, AC, CP -> true;
            default -> false;
        };
    }
}
