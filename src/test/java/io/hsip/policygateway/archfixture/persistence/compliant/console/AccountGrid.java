package io.hsip.policygateway.archfixture.persistence.compliant.console;

import io.hsip.policygateway.archfixture.persistence.compliant.feature.AccountService;
import java.util.List;

/** Fixture: a console component that renders what the service returns. */
public class AccountGrid {
  public List<String> rows(AccountService service) {
    return service.list(List.of()).stream().map(AccountService.AccountSummary::name).toList();
  }
}
