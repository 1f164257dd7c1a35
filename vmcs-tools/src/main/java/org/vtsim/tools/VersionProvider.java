package org.vtsim.tools;

import picocli.CommandLine;

/** Reports the version recorded in the jar manifest (or "development" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"vtsim " + (v == null ? "development build" : v)};
    }
}
