package dev.kordon.support;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One Kordon per test class whose administrators must take the second step (mfa.required-roles),
 * for the tests of what a person or an operator does with the second step's methods.
 */
public abstract class SecondStepRig {
    protected static Rig rig;

    @BeforeAll
    protected static void startRig() {
        rig = Rig.builder().set("mfa.required-roles", List.of("administrator")).start();
    }

    @AfterAll
    protected static void stopRig() {
        rig.close();
    }
}
