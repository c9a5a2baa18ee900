package dev.herald.core.webpush;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Whether an IP address is one the public Internet routes to a host: not loopback, private,
 * link-local, shared (CGNAT), unique-local, multicast, documentation, benchmarking or otherwise
 * reserved. A push endpoint must only ever be reached at such an address, so that a subscription
 * cannot point Herald at the cloud metadata service (169.254.169.254) or at a cluster-internal
 * service. IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4) are judged by that address.
 */
public final class PublicAddresses {

  /** A network prefix: the first {@code bits} bits of {@code network}. */
  private record Block(byte[] network, int bits) {
    static Block v4(int a, int b, int c, int d, int bits) {
      return new Block(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}, bits);
    }

    static Block v6(int first, int second, int bits) {
      byte[] network = new byte[16];
      network[0] = (byte) (first >> 8);
      network[1] = (byte) first;
      network[2] = (byte) (second >> 8);
      network[3] = (byte) second;
      return new Block(network, bits);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = bits / 8;
      if (!Arrays.equals(address, 0, full, network, 0, full)) {
        return false;
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  /**
   * IANA's special-purpose IPv4 blocks that are not globally reachable (RFC 6890 and successors).
   */
  private static final List<Block> NOT_PUBLIC_V4 =
      List.of(
          Block.v4(0, 0, 0, 0, 8), // "this network"
          Block.v4(10, 0, 0, 0, 8), // private
          Block.v4(100, 64, 0, 0, 10), // shared address space (carrier-grade NAT)
          Block.v4(127, 0, 0, 0, 8), // loopback
          Block.v4(169, 254, 0, 0, 16), // link-local, cloud metadata services
          Block.v4(172, 16, 0, 0, 12), // private
          Block.v4(192, 0, 0, 0, 24), // IETF protocol assignments
          Block.v4(192, 0, 2, 0, 24), // documentation
          Block.v4(192, 88, 99, 0, 24), // 6to4 relay anycast
          Block.v4(192, 168, 0, 0, 16), // private
          Block.v4(198, 18, 0, 0, 15), // benchmarking
          Block.v4(198, 51, 100, 0, 24), // documentation
          Block.v4(203, 0, 113, 0, 24), // documentation
          Block.v4(224, 0, 0, 0, 4), // multicast
          Block.v4(240, 0, 0, 0, 4)); // reserved, broadcast

  /** IPv6 blocks that are not globally reachable; embedded IPv4 forms are handled separately. */
  private static final List<Block> NOT_PUBLIC_V6 =
      List.of(
          Block.v6(0x0000, 0x0000, 96), // unspecified, loopback, IPv4-compatible (deprecated)
          Block.v6(
              0x0064, 0xff9b, 32), // NAT64 beyond the well-known /96 (local-use 64:ff9b:1::/48)
          Block.v6(0x0100, 0x0000, 64), // discard-only
          Block.v6(0x2001, 0x0000, 23), // IETF protocol assignments (Teredo, ORCHID …)
          Block.v6(0x2001, 0x0db8, 32), // documentation
          Block.v6(0x3fff, 0x0000, 20), // documentation
          Block.v6(0x5f00, 0x0000, 16), // segment routing SIDs
          Block.v6(0xfc00, 0x0000, 7), // unique local
          Block.v6(0xfe80, 0x0000, 10), // link-local
          Block.v6(0xfec0, 0x0000, 10), // site-local (deprecated)
          Block.v6(0xff00, 0x0000, 8)); // multicast

  private static final Block MAPPED_V4 =
      new Block(
          new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}, 96);
  private static final Block NAT64 =
      new Block(
          new byte[] {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 96);
  private static final Block SIX_TO_FOUR = Block.v6(0x2002, 0x0000, 16);

  private PublicAddresses() {}

  public static boolean isPublic(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      return isPublicV4(bytes);
    }
    if (!(address instanceof Inet6Address)) {
      return false;
    }
    // Judged by the IPv4 address they carry: ::ffff:a.b.c.d, 64:ff9b::a.b.c.d, 2002:aabb:ccdd::/48.
    if (MAPPED_V4.contains(bytes) || NAT64.contains(bytes)) {
      return isPublicV4(Arrays.copyOfRange(bytes, 12, 16));
    }
    if (SIX_TO_FOUR.contains(bytes)) {
      return isPublicV4(Arrays.copyOfRange(bytes, 2, 6));
    }
    return NOT_PUBLIC_V6.stream().noneMatch(b -> b.contains(bytes));
  }

  private static boolean isPublicV4(byte[] bytes) {
    return NOT_PUBLIC_V4.stream().noneMatch(b -> b.contains(bytes));
  }
}
