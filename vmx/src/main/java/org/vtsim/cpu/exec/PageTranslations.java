package org.vtsim.cpu.exec;

/**
 * The translation state of one decoded page, by offset: how often the interpreter ran each
 * instruction, and the block translated once an instruction got hot. Hangs off the page's
 * {@link org.vtsim.cpu.decode.DecodedPage#translations}, so it is dropped with the page's decoded
 * instructions when the page is written.
 */
public final class PageTranslations {
    public final char[] heat = new char[4096];
    public final TranslatedBlock[] blocks = new TranslatedBlock[4096];
}
