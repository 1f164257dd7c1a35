package org.vtsim.ept.nested;

import org.vtsim.ept.ept.EptContext;
import org.vtsim.ept.ept.EptWalkResult;

/**
 * How a {@link NestedWalker} translates one guest-physical address through EPT when caches are modelled
 * (SDM Vol. 3C 28.4): from a cached guest-physical mapping, or by an EPT walk that may start from a
 * guest-physical paging-structure-cache entry. Leaves the outcome and the references made in {@code out},
 * exactly as {@code EptWalker.walk} does.
 */
public interface GuestPhysicalTranslator {
    boolean translate(EptContext ctx, long gpa, int eptAccess, EptWalkResult out);
}
