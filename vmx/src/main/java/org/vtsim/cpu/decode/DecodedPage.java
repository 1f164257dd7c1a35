package org.vtsim.cpu.decode;

/**
 * The decoded instructions of one 4 KiB physical page, by offset of their first byte. Dropped
 * (marked invalid) as soon as the page is written, so self-modifying code is re-decoded.
 * Entries are decoded for one CPU mode ({@link #mode}); a page met in another mode is cleared.
 */
public final class DecodedPage {
    public final long pageNumber;
    public final Insn[] entries = new Insn[4096];
    public int mode;
    public boolean valid = true;
    /**
     * What the executing core keeps about these entries beyond decoding (its block translations);
     * opaque here, and dropped with the entries.
     */
    public Object translations;

    public DecodedPage(long pageNumber, int mode) {
        this.pageNumber = pageNumber;
        this.mode = mode;
    }

    /** Re-targets the page at another decode mode (64-bit / 32-bit / 16-bit default sizes). */
    public void switchMode(int newMode) {
        java.util.Arrays.fill(entries, null);
        translations = null;
        mode = newMode;
    }
}
