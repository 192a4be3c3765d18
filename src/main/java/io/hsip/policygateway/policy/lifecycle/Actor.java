package io.hsip.policygateway.policy.lifecycle;

import java.util.Objects;

/**
 * Who changes policies: a stable subject that the four-eyes rule compares, and a display name that
 * people read.
 *
 * <p>The subject is the token's {@code sub}: the identity provider never reassigns or renames it,
 * whereas the display name ({@code preferred_username}) can be renamed and two accounts may share
 * one. Approval therefore compares subjects only, and names appear in messages, views and events.
 *
 * <p>A service account (a client acting for itself, not a person) may edit and submit, but never
 * approve: a second pair of eyes must belong to a person. Which tokens count as service accounts is
 * decided where the token is read ({@code PolicyResource}).
 *
 * @param subject the token's {@code sub}; never blank
 * @param name the name shown to people (the principal name)
 * @param serviceAccount the token was issued to a client, not to a person
 */
public record Actor(String subject, String name, boolean serviceAccount) {

  public Actor {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(name, "name");
    if (subject.isBlank()) {
      throw new IllegalArgumentException("an actor needs a subject");
    }
  }

  /** A person. */
  public static Actor person(String subject, String name) {
    return new Actor(subject, name, false);
  }

  /** The gateway itself (start-up bootstrap): never a person, so never an approver. */
  public static Actor system(String name) {
    return new Actor(name, name, true);
  }
}
