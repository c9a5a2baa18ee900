package dev.herald.api.template;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Content of one locale; a channel left out falls back along the locale chain. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record LocalizedContent(EmailContent email, SmsContent sms, PushContent push) {}
