package io.hsip.policygateway;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test that costs minutes or whole processes (a million entries, kill -9 cycles, stress,
 * long fuzz runs): {@code ./mvnw verify -Pquick} leaves it out for the local loop, the plain {@code
 * ./mvnw verify} of CI and the README runs it.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("heavy")
public @interface Heavy {}
