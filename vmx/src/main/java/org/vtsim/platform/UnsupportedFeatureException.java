package org.vtsim.platform;

/**
 * A guest used a device feature the model does not implement. Thrown instead of silently doing
 * something else (team rule); the run loop reports it and ends the run. The message always
 * starts with "unsupported: ".
 */
public final class UnsupportedFeatureException extends RuntimeException {
    public UnsupportedFeatureException(String feature) {
        super("unsupported: " + feature);
    }
}
