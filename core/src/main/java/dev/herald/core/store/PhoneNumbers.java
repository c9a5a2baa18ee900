package dev.herald.core.store;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/** Phone numbers as Herald stores and sends them: international, valid, in E.164. */
public final class PhoneNumbers {
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

  private PhoneNumbers() {}

  /**
   * An international number (leading {@code +}, any punctuation) that libphonenumber takes as a
   * valid number, in E.164; {@code null} otherwise.
   */
  public static String e164(String number) {
    if (number == null || !number.strip().startsWith("+")) {
      return null;
    }
    try {
      PhoneNumber parsed = PHONES.parse(number.strip(), "ZZ");
      return PHONES.isValidNumber(parsed) ? PHONES.format(parsed, PhoneNumberFormat.E164) : null;
    } catch (NumberParseException e) {
      return null;
    }
  }
}
