package io.hsip.policygateway.base.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ProblemTypeTest {

  private static final ProblemType CONFLICT =
      ProblemType.of(409, "thing-conflict", "Thing conflict");

  @Test
  void exceptionCarriesStatusTypeTitleAndDetail() {
    ProblemException e = CONFLICT.exception("the thing is busy");
    assertThat(e.status()).isEqualTo(409);
    assertThat(e.type()).hasToString("https://hsip.io/problems/thing-conflict");
    assertThat(e.title()).isEqualTo("Thing conflict");
    assertThat(e.getMessage()).isEqualTo("the thing is busy");
    assertThat(e.problemType()).isSameAs(CONFLICT);
    assertThat(e.violations()).isNull();
  }

  @Test
  void causeIsKeptForTheLog() {
    IOException cause = new IOException("disk full at /var/lib/x");
    ProblemException e = CONFLICT.exception("try again later", cause);
    assertThat(e.getCause()).isSameAs(cause);
    assertThat(e.getMessage()).isEqualTo("try again later");
  }

  @Test
  void refusesANonErrorStatus() {
    assertThatThrownBy(() -> ProblemType.of(200, "fine", "Fine"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a problem's status must be 4xx or 5xx, not 200");
  }

  @Test
  void refusesASlugThatIsNotAUriSegment() {
    assertThatThrownBy(() -> ProblemType.of(400, "Bad Slug", "Bad"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a problem slug must be lower-case words joined by '-': Bad Slug");
    assertThatThrownBy(() -> ProblemType.of(400, "trailing-", "Bad"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesABlankTitle() {
    assertThatThrownBy(() -> ProblemType.of(400, "x", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a problem needs a title");
  }
}
