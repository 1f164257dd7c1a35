package org.vtsim.cpu.exec;

/**
 * The translation state of one decoded page, by offset: how often the interpreter ran each
 * instruction, and the block translated once an instruction got hot. Hangs off the page's
 * {@link org.vtsim.cpu.decode.DecodedPage#translations}, so it is dropped with the page's decoded
 * instructions when the page is written.
 */
public final class PageTranslations {
    public final char[] heat = new char[4096];
    /** By offset; made with the page's first translation (most pages that run never get hot). */
    private TranslatedBlock[] blocks;

    /** The block (or {@link TranslatedBlock#NONE}) translated at {@code offset}, or null. */
    public TranslatedBlock block(int offset) {
        TranslatedBlock[] b = blocks;
        return b == null ? null : b[offset];
    }

    public void setBlock(int offset, TranslatedBlock block) {
        if (blocks == null) {
            blocks = new TranslatedBlock[4096];
        }
        blocks[offset] = block;
    }
}
