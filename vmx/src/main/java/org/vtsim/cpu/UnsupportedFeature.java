package org.vtsim.cpu;

/**
 * Thrown where the guest needs something the model does not implement and which has no
 * architectural way to fail (a mode, a system unit not yet wired). The core ends the run with
 * {@link StopReason#UNSUPPORTED} and the message, "unsupported: ...".
 */
public final class UnsupportedFeature extends RuntimeException {
    public UnsupportedFeature(String feature) {
        super("unsupported: " + feature, null, false, false);
    }
}
