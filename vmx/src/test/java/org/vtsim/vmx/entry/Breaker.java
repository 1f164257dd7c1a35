package org.vtsim.vmx.entry;

import java.util.function.Consumer;

/**
 * One row of the rule table: a named edit that breaks exactly one entry rule of a valid baseline.
 *
 * @param name what the edit does, shown by the parameterised test
 * @param rule the rule broken: its kind, qualification and SDM section are the expected failure
 * @param reportedFirst the failure the processor reports: {@code rule} itself, or the earlier rule
 *     that the model's capabilities make fail first (a control the model does not advertise fails
 *     the reserved-bit rule before its own rule can be reached)
 * @param exact whether {@code rule} must be the only failure ({@code checkAll} = [rule])
 * @param spec the baselines the edit applies to
 * @param edit the edit
 */
record Breaker(String name, EntryCheckFailure rule, EntryCheckFailure reportedFirst, boolean exact, Spec spec,
        Consumer<Baseline> edit) {

    static Breaker of(String name, EntryCheckFailure rule, Consumer<Baseline> edit) {
        return new Breaker(name, rule, rule, true, Spec.any(), edit);
    }

    Breaker in(Spec s) {
        return new Breaker(name, rule, reportedFirst, exact, s, edit);
    }

    /** The model's capabilities make {@code first} fail before this rule is reached. */
    Breaker maskedBy(EntryCheckFailure first) {
        return new Breaker(name, rule, first, false, spec, edit);
    }

    /** The edit necessarily breaks further rules after this one (reported first, not alone). */
    Breaker notAlone() {
        return new Breaker(name, rule, reportedFirst, false, spec, edit);
    }

    @Override
    public String toString() {
        return rule.sdmSection() + " " + name + (reportedFirst != rule ? " [reported as earlier rule]" : "");
    }
}
