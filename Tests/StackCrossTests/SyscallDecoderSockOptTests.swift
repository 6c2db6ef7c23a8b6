import XCTest
@testable import StackCross

/// Socket options, control messages and message vectors as strace 6.1's tests check them
/// (ip_mreq.c, group_req.c, net-packet_mreq.c, so_peercred.c, so_error.c, inet-cmsg.c, sockopt-timestamp.c, mmsg.c).
final class SyscallDecoderSockOptTests: XCTestCase {
    func nr(_ name: String) -> Int64 { Int64(SyscallTable.x86_64.number(of: name)!) }
    func decode(_ name: String, _ a: [UInt64], _ m: TraceeMemory, ret: Int64? = nil,
                _ style: StraceLineStyles.Constants = .abbrev) -> [String] {
        let entry = SyscallDecoder.decode(abi: .x86_64, nr: nr(name), args: a, memory: m, at: .entry, constants: style)
        guard let ret else { return entry.args }
        return SyscallDecoder.decode(abi: .x86_64, nr: nr(name), args: a, memory: m, at: .exit(ret), entry: entry,
                                     constants: style).args
    }

    func testSetsockoptStructsStayAfterASuccessfulCall() {
        var m = PagedMemory()
        m.regions[0x1000] = [224, 0, 0, 3, 127, 0, 0, 1]
        XCTAssertEqual(decode("setsockopt", [0, 0, 35, 0x1000, 8], m, ret: 0)[3],
                       "{imr_multiaddr=inet_addr(\"224.0.0.3\"), imr_interface=inet_addr(\"127.0.0.1\")}")
        XCTAssertEqual(decode("setsockopt", [0, 0, 35, 0x1000, 7], m)[3], "0x1000")
        // struct packet_mreq: ifindex 0, an unknown type, 9 address bytes claimed (8 held).
        m.regions[0x2000] = [0, 0, 0, 0, 0xFF, 0xFF, 9, 0] + [UInt8](repeating: 0xFF, count: 8)
        XCTAssertEqual(decode("setsockopt", [UInt64(bitPattern: -1), 263, 1, 0x2000, 16], m)[3],
                       "{mr_ifindex=0, mr_type=0xffff /* PACKET_MR_??? */, mr_alen=9, mr_address=ff:ff:ff:ff:ff:ff:ff:ff}")
        XCTAssertEqual(decode("setsockopt", [UInt64(bitPattern: -1), 263, 1, 0x2000, 16], m, .raw)[3],
                       "{mr_ifindex=0, mr_type=0xffff, mr_alen=9, mr_address=\"\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\"}")
        m.regions[0x3000] = [0x39, 0, 0, 0]  // ICMP_ECHOREPLY, DEST_UNREACH, SOURCE_QUENCH, REDIRECT
        XCTAssertEqual(decode("setsockopt", [UInt64(bitPattern: -1), 255, 1, 0x3000, 4], m)[3],
                       "[ICMP_ECHOREPLY ICMP_DEST_UNREACH ICMP_SOURCE_QUENCH ICMP_REDIRECT]")
    }

    // tests/sockopt-sol_socket.c: int options, and any other value by its length.
    func testSolSocketValuesByLength() {
        var m = PagedMemory()
        m.regions[0x1000] = [2, 0, 0, 0]
        m.regions[0x2000] = [3, 0, 0, 0]
        XCTAssertEqual(decode("getsockopt", [3, 1, 3, 0x1000, 0x2000], m, ret: 0)[3], "\"\\2\\0\\0\"")  // SO_TYPE, 3 bytes
        XCTAssertEqual(decode("getsockopt", [3, 1, 2, 0x1000, 0x2000], m, ret: 0)[3], "\"\\x02\\x00\\x00\"")  // SO_REUSEADDR
        m.regions[0x2000] = [4, 0, 0, 0]
        XCTAssertEqual(decode("getsockopt", [3, 1, 20, 0x1000, 0x2000], m, ret: 0)[3], "[2]")  // SO_RCVTIMEO_OLD
        XCTAssertEqual(decode("setsockopt", [3, 1, 3, 0x1000, 5], m)[3], "0x1000")  // 5 bytes not readable
        XCTAssertEqual(decode("setsockopt", [3, 1, 3, 0x1000, 3], m)[3], "\"\\2\\0\\0\"")
        XCTAssertEqual(decode("setsockopt", [3, 1, 2, 0x1000, 3], m)[3], "0x1000")
        XCTAssertEqual(decode("setsockopt", [3, 1, 3, 0x1000, UInt64(UInt32.max)], m)[3], "0x1000")
    }

    func testGroupReqHoldsASockaddr() {
        var m = PagedMemory()
        m.regions[0x1000] = [0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0xFF, 0xFF, 224, 0, 0, 3] + [UInt8](repeating: 0, count: 120)
        XCTAssertEqual(decode("setsockopt", [0, 0, 42, 0x1000, 136], m)[3],
                       "{gr_interface=0, gr_group={sa_family=AF_INET, sin_port=htons(65535), sin_addr=inet_addr(\"224.0.0.3\")}}")
    }

    func testGetsockoptStructsAsFarAsTheLengthReaches() {
        var m = PagedMemory()
        m.regions[0x1000] = [0x89, 0x52, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        m.regions[0x2000] = [3, 0, 0, 0]
        XCTAssertEqual(decode("getsockopt", [3, 1, 17, 0x1000, 0x2000], m, ret: 0)[3], "{pid=\"\\x89\\x52\\x00\"}")
        m.regions[0x2000] = [7, 0, 0, 0]
        XCTAssertEqual(decode("getsockopt", [3, 1, 17, 0x1000, 0x2000], m, ret: 0)[3], "{pid=21129, uid=\"\\x00\\x00\\x00\"}")
        m.regions[0x3000] = [111, 0, 0, 0]
        m.regions[0x2000] = [4, 0, 0, 0]
        XCTAssertEqual(decode("getsockopt", [4, 1, 4, 0x3000, 0x2000], m, ret: 0)[3], "[ECONNREFUSED]")
        XCTAssertEqual(decode("getsockopt", [4, 1, 4, 0x3000, 0x2000], m, ret: 0, .verbose)[3], "[111 /* ECONNREFUSED */]")
        m.regions[0x2000] = [0, 0, 0, 0]
        XCTAssertEqual(decode("getsockopt", [4, 1, 4, 0x3000, 0x2000], m, ret: 0)[3], "0x3000")
    }

    func testTimestampAndIpControlMessages() {
        var m = PagedMemory()
        // msghdr: no name, no iov, control at 0x2000 (64 bytes).
        var hdr = [UInt8](repeating: 0, count: 56)
        hdr[32] = 0x00; hdr[33] = 0x20; hdr[40] = 64
        m.regions[0x1000] = hdr
        var cmsg = [UInt8](repeating: 0, count: 64)
        cmsg[0] = 32; cmsg[8] = 1; cmsg[12] = 29  // SOL_SOCKET, SO_TIMESTAMP_OLD, {5, 6}
        cmsg[16] = 5; cmsg[24] = 6
        cmsg[32] = 20; cmsg[40] = 0; cmsg[44] = 2; cmsg[48] = 64  // SOL_IP, IP_TTL, [64]
        m.regions[0x2000] = cmsg
        let shown = decode("sendmsg", [3, 0x1000, 0], m)[1]
        XCTAssertTrue(shown.contains("cmsg_type=SO_TIMESTAMP_OLD, cmsg_data={tv_sec=5, tv_usec=6}}"), shown)
        XCTAssertTrue(shown.contains("cmsg_type=IP_TTL, cmsg_data=[64]}"), shown)
        cmsg[12] = 0xED; cmsg[13] = 0xFE; cmsg[14] = 0xCE; cmsg[15] = 0xFA
        m.regions[0x2000] = cmsg
        XCTAssertTrue(decode("sendmsg", [3, 0x1000, 0], m)[1].contains("cmsg_type=0xfacefeed /* SCM_??? */"))
    }

    func testMessageVectorsAtTheExit() {
        var m = PagedMemory()
        // Two mmsghdrs (64 bytes each): one iovec of "ab" each, msg_len 2 and 1.
        var vec = [UInt8](repeating: 0, count: 128)
        for k in 0 ..< 2 {
            vec[64 * k + 17] = 0x30; vec[64 * k + 24] = 1  // msg_iov = 0x3000, msg_iovlen = 1
            vec[64 * k + 56] = UInt8(2 - k)
        }
        m.regions[0x1000] = vec
        m.regions[0x3000] = [0x00, 0x40, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]
        m.regions[0x4000] = Array("ab".utf8)
        let msg = "msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"ab\", iov_len=2}], msg_iovlen=1, msg_controllen=0, msg_flags=0"
        XCTAssertEqual(decode("sendmmsg", [3, 0x1000, 2, 0], m, ret: 1),
                       ["3", "[{msg_hdr={\(msg)}, msg_len=2}, {msg_hdr={\(msg)}}]", "2", "0"])
        // A failed sendmmsg still shows its vector, without msg_len.
        XCTAssertEqual(decode("sendmmsg", [3, 0x1000, 2, 0], m, ret: -9)[1], "[{msg_hdr={\(msg)}}, {msg_hdr={\(msg)}}]")
        XCTAssertEqual(decode("recvmmsg", [3, 0x1000, 2, 0, 0], m, ret: -9)[1], "0x1000")
        XCTAssertEqual(decode("recvmmsg", [3, 0x1000, 2, 0, 0], m, ret: 2)[1].components(separatedBy: "msg_len=").count, 3)
        XCTAssertEqual(SyscallDecoder.returnNote(abi: .x86_64, nr: nr("recvmmsg"), rawArgs: [3, 0x1000, 2, 0, 0].map { Address($0) }, ret: 0, memory: m),
                       "Timeout")
    }
}
