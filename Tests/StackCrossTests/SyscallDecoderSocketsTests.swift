import XCTest
@testable import StackCross

/// strace 6.1's sockaddr families (src/sockaddr.c), as its tests sockaddr_xlat.c and net-sockaddr.c check them.
final class SyscallDecoderSocketsTests: XCTestCase {
    func connect(_ bytes: [UInt8], _ style: StraceLineStyles.Constants = .abbrev) -> String {
        var m = PagedMemory()
        m.regions[0x1000] = bytes
        let nr = Int64(SyscallTable.x86_64.number(of: "connect")!)
        return SyscallDecoder.decode(abi: .x86_64, nr: nr, args: [UInt64(bitPattern: -1), 0x1000, UInt64(bytes.count)],
                                     memory: m, at: .entry, constants: style).args[1]
    }

    /// Bytes 0x80, 0x81… after a family, as sockaddr_xlat.c fills its structs.
    func pattern(_ family: UInt8, _ count: Int) -> [UInt8] { [family, 0] + (2 ..< count).map { UInt8(0x80 + $0) } }

    func testPacketAddressInEachStyle() {
        let ll: [UInt8] = [17, 0, 0, 3, 0xED, 0xFE, 0xCE, 0xFA, 1, 0, 0, 8] + Array("abcdefgh".utf8)
        XCTAssertEqual(connect(ll), "{sa_family=AF_PACKET, sll_protocol=htons(ETH_P_ALL), sll_ifindex=4207869677, "
                       + "sll_hatype=ARPHRD_ETHER, sll_pkttype=PACKET_HOST, sll_halen=8, "
                       + "sll_addr=[0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68]}")
        XCTAssertEqual(connect(ll, .raw), "{sa_family=0x11, sll_protocol=\"\\x00\\x03\", sll_ifindex=4207869677, "
                       + "sll_hatype=0x1, sll_pkttype=0, sll_halen=8, sll_addr=[0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68]}")
        XCTAssertEqual(connect(ll, .verbose), "{sa_family=0x11 /* AF_PACKET */, sll_protocol=\"\\x00\\x03\" /* htons(ETH_P_ALL) */, "
                       + "sll_ifindex=4207869677, sll_hatype=0x1 /* ARPHRD_ETHER */, sll_pkttype=0 /* PACKET_HOST */, sll_halen=8, "
                       + "sll_addr=[0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68]}")
    }

    func testInetAddressesInRawAndVerbose() {
        let sin: [UInt8] = [2, 0, 0x30, 0x39, 127, 0, 0, 1] + [UInt8](repeating: 0, count: 8)
        XCTAssertEqual(connect(sin, .raw), "{sa_family=0x2, sin_port=\"\\x30\\x39\", sin_addr=\"\\x7f\\x00\\x00\\x01\"}")
        XCTAssertEqual(connect(sin, .verbose), "{sa_family=0x2 /* AF_INET */, sin_port=\"\\x30\\x39\" /* htons(12345) */, "
                       + "sin_addr=\"\\x7f\\x00\\x00\\x01\" /* inet_addr(\"127.0.0.1\") */}")
        let sin6: [UInt8] = [10, 0, 0x30, 0x39, 0x07, 0x5B, 0xCD, 0x7A] + [UInt8](repeating: 0, count: 15) + [1]
            + [0xED, 0xFE, 0xCE, 0xFA]
        XCTAssertEqual(connect(sin6), "{sa_family=AF_INET6, sin6_port=htons(12345), sin6_flowinfo=htonl(123456890), "
                       + "inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=4207869677}")
    }

    func testNewerFamiliesAndShortAddresses() {
        var rxrpc = pattern(33, 36)
        rxrpc[8] = 0; rxrpc[9] = 0  // transport.family = AF_UNSPEC
        XCTAssertEqual(connect(rxrpc), "{sa_family=AF_RXRPC, srx_service=0x8382 /* ???_SERVICE */, "
                       + "transport_type=0x8584 /* SOCK_??? */, transport_len=34694, transport={family=AF_UNSPEC, "
                       + "\"\\212\\213\\214\\215\\216\\217\\220\\221\\222\\223\\224\\225\\226\\227\\230\\231\\232\\233\\234\\235\\236\\237\\240\\241\\242\\243\"}}")
        XCTAssertEqual(connect(pattern(33, 35)), "{sa_family=AF_RXRPC, sa_data=\"" + (2 ..< 35).map { "\\" + String(0x80 + $0, radix: 8) }.joined() + "\"}")
        XCTAssertEqual(connect(pattern(39, 16)), "{sa_family=AF_NFC, dev_idx=2273740164, target_idx=0x8b8a8988, "
                       + "nfc_protocol=0x8f8e8d8c /* NFC_PROTO_??? */}")
        XCTAssertEqual(connect(pattern(40, 16)), "{sa_family=AF_VSOCK, svm_reserved1=0x8382, svm_cid=0x8b8a8988, "
                       + "svm_port=0x87868584, svm_flags=0x8c /* VMADDR_FLAG_??? */, svm_zero=\"\\x8d\\x8e\\x8f\"}")
        XCTAssertEqual(connect([40, 0] + [UInt8](repeating: 0, count: 14)),
                       "{sa_family=AF_VSOCK, svm_cid=VMADDR_CID_HYPERVISOR, svm_port=0, svm_flags=0}")
        XCTAssertEqual(connect(pattern(42, 12)), "{sa_family=AF_QIPCRTR, sq_node=0x87868584, sq_port=0x8b8a8988}")
        XCTAssertEqual(connect(pattern(44, 16)), "{sa_family=AF_XDP, sxdp_flags=XDP_COPY|0x8380, sxdp_ifindex=2273740164, "
                       + "sxdp_queue_id=2341112200, sxdp_shared_umem_fd=0x8f8e8d8c}")
        XCTAssertEqual(connect(pattern(44, 16), .verbose).contains("sxdp_flags=0x8382 /* XDP_COPY|0x8380 */"), true)
        XCTAssertEqual(connect(pattern(45, 12)), "{sa_family=AF_MCTP, __smctp_pad0=0x8382, smctp_network=0x87868584, "
                       + "smctp_addr={s_addr=0x88}, smctp_type=0x89, smctp_tag=0x8a, __smctp_pad1=0x8b}")
        XCTAssertEqual(connect(pattern(36, 20)), "{sa_family=AF_IEEE802154, addr={addr_type=0x87868584 /* IEEE802154_ADDR_??? */, "
                       + "pan_id=0x8988, hwaddr=8a:8b:8c:8d:8e:8f:90:91}}")
    }

    func testAlgNamesAreCutAtTheirFields() {
        let alg = pattern(38, 25)
        XCTAssertEqual(connect(alg), "{sa_family=AF_ALG, salg_type=\"\\202\\203\\204\\205\\206\\207\\210\\211\\212\\213\\214\\215\\216\"..., "
                       + "salg_feat=0x93929190 /* CRYPTO_ALG_KERN_DRIVER_ONLY|0x93928190 */, "
                       + "salg_mask=0x97969594 /* CRYPTO_ALG_KERN_DRIVER_ONLY|0x97968594 */, salg_name=\"\"...}")
        XCTAssertEqual(connect(alg, .raw).contains("salg_feat=0x93929190, salg_mask=0x97969594"), true)
    }

    func testIpxAndX25() {
        let ipx: [UInt8] = [4, 0, 0x30, 0x39, 0xFA, 0xCE, 0xFE, 0xED] + Array("ABCDEF".utf8) + [0xFF, 0x42]
        XCTAssertEqual(connect(ipx), "{sa_family=AF_IPX, sipx_port=htons(12345), sipx_network=htonl(0xfacefeed), "
                       + "sipx_node=[0x41, 0x42, 0x43, 0x44, 0x45, 0x46], sipx_type=0xff, sipx_zero=0x42}")
        XCTAssertEqual(connect([9, 0] + Array("0123456789abcdef".utf8)), "{sa_family=AF_X25, sx25_addr={x25_addr=\"0123456789abcde\"...}}")
    }
}
