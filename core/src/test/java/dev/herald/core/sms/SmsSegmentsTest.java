package dev.herald.core.sms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.core.sms.SmsSegments.Encoding;
import org.junit.jupiter.api.Test;

class SmsSegmentsTest {

  @Test
  void anEmptyBodyTakesNoSegment() {
    assertThat(SmsSegments.of("")).isEqualTo(new SmsSegments(Encoding.GSM_7, 0, 0));
    assertThat(SmsSegments.of(null).segments()).isZero();
  }

  @Test
  void gsm7FitsA160CharacterSegmentThenGoesIn153CharacterParts() {
    assertThat(SmsSegments.of("Hello, Ada! Your code is 123456.").encoding())
        .isEqualTo(Encoding.GSM_7);
    assertThat(SmsSegments.of("a".repeat(160))).isEqualTo(new SmsSegments(Encoding.GSM_7, 160, 1));
    assertThat(SmsSegments.of("a".repeat(161))).isEqualTo(new SmsSegments(Encoding.GSM_7, 161, 2));
    assertThat(SmsSegments.of("a".repeat(306)).segments()).isEqualTo(2);
    assertThat(SmsSegments.of("a".repeat(307)).segments()).isEqualTo(3);
    assertThat(SmsSegments.of("a".repeat(459)).segments()).isEqualTo(3);
    assertThat(SmsSegments.of("a".repeat(460)).segments()).isEqualTo(4);
  }

  @Test
  void accentedLettersOfTheGsmAlphabetStayGsm7() {
    assertThat(SmsSegments.of("Grüße aus Köln, ¿qué tal? Ça va, Ødegård! £5 §3 Δ").encoding())
        .isEqualTo(Encoding.GSM_7);
    assertThat(SmsSegments.of("line\nbreak\r").encoding()).isEqualTo(Encoding.GSM_7);
  }

  @Test
  void extensionCharactersCountDouble() {
    assertThat(SmsSegments.of("€")).isEqualTo(new SmsSegments(Encoding.GSM_7, 2, 1));
    assertThat(SmsSegments.of("{[~]}|^\\\f").units()).isEqualTo(18);
    assertThat(SmsSegments.of("€".repeat(80))).isEqualTo(new SmsSegments(Encoding.GSM_7, 160, 1));
    assertThat(SmsSegments.of("€".repeat(80) + "a"))
        .isEqualTo(new SmsSegments(Encoding.GSM_7, 161, 2));
  }

  @Test
  void anEscapePairIsNeverSplitAcrossParts() {
    // 152 plain characters leave one septet in the first part: the € moves whole to the second
    String body = "a".repeat(152) + "€" + "a".repeat(152);
    assertThat(SmsSegments.of(body)).isEqualTo(new SmsSegments(Encoding.GSM_7, 306, 3));
    assertThat(SmsSegments.of("a".repeat(151) + "€" + "a".repeat(153)).segments()).isEqualTo(2);
  }

  @Test
  void anythingOutsideGsm7GoesAsUcs2In70And67UnitSegments() {
    assertThat(SmsSegments.of("Привет")).isEqualTo(new SmsSegments(Encoding.UCS_2, 6, 1));
    assertThat(SmsSegments.of("ç").encoding())
        .isEqualTo(Encoding.UCS_2); // only upper-case Ç is GSM-7
    assertThat(SmsSegments.of("中".repeat(70)).segments()).isEqualTo(1);
    assertThat(SmsSegments.of("中".repeat(71)).segments()).isEqualTo(2);
    assertThat(SmsSegments.of("中".repeat(134)).segments()).isEqualTo(2);
    assertThat(SmsSegments.of("中".repeat(135)).segments()).isEqualTo(3);
  }

  @Test
  void anEmojiTakesTwoUnitsAndTurnsAGsmTextIntoUcs2() {
    assertThat(SmsSegments.of("😀")).isEqualTo(new SmsSegments(Encoding.UCS_2, 2, 1));
    assertThat(SmsSegments.of("a".repeat(100)).segments()).isEqualTo(1);
    assertThat(SmsSegments.of("a".repeat(99) + "😀"))
        .isEqualTo(new SmsSegments(Encoding.UCS_2, 101, 2));
    assertThat(SmsSegments.of("😀".repeat(35))).isEqualTo(new SmsSegments(Encoding.UCS_2, 70, 1));
  }

  @Test
  void aSurrogatePairIsNeverSplitAcrossParts() {
    // 66 units leave one in the first part: the emoji moves whole to the second
    assertThat(SmsSegments.of("中".repeat(66) + "😀" + "中".repeat(66)))
        .isEqualTo(new SmsSegments(Encoding.UCS_2, 134, 3));
    assertThat(SmsSegments.of("中".repeat(65) + "😀" + "中".repeat(67)).segments()).isEqualTo(2);
  }
}
