package io.hsip.policygateway.archfixture.persistence.violating.console;

import io.hsip.policygateway.archfixture.persistence.violating.feature.Account;
import java.util.List;

/** Fixture: a console component that renders entities directly. */
public class AccountGrid {
  public List<String> rows(List<Account> accounts) {
    return accounts.stream().map(a -> a.name).toList();
  }
}
