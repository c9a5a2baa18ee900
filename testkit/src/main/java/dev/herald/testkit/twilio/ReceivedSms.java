package dev.herald.testkit.twilio;

import java.util.Map;

/**
 * One message the {@link TwilioSimulator} accepted ({@code 201}), as it was posted.
 *
 * @param sid the {@code SM…} SID it answered
 * @param accountSid the account in the path
 * @param authenticatedAs the Basic auth user: the account SID, or the API key SID ({@code SK…})
 * @param to the {@code To} parameter
 * @param from the {@code From} parameter, or {@code null} when a Messaging Service sends
 * @param messagingServiceSid the {@code MessagingServiceSid} parameter, or {@code null}
 * @param body the {@code Body} parameter
 * @param statusCallback the {@code StatusCallback} parameter, or {@code null}
 * @param numSegments the segments Twilio would bill ({@code num_segments})
 * @param params every form parameter as posted (the last value of a repeated one)
 */
public record ReceivedSms(
    String sid,
    String accountSid,
    String authenticatedAs,
    String to,
    String from,
    String messagingServiceSid,
    String body,
    String statusCallback,
    int numSegments,
    Map<String, String> params) {

  public ReceivedSms {
    params = Map.copyOf(params);
  }
}
