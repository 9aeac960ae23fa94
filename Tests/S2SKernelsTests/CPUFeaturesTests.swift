import Foundation
import S2SKernels
import XCTest

/// `CPUFeatures` (cpu_features.c's one probe) against the flags Linux lists
/// in /proc/cpuinfo, read independently here.
final class CPUFeaturesTests: XCTestCase {
    func testFeaturesAreTheFlagsLinuxLists() throws {
        let info = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let line = try XCTUnwrap(info.split(separator: "\n").first { $0.hasPrefix("flags") }, "no flags line")
        let flags = Set(line.split(separator: " ").map(String.init))
        let f = CPUFeatures.current
        let avx512 = flags.contains("avx512f"), bw = avx512 && flags.contains("avx512bw")
        XCTAssertEqual(f.contains(.avx512), avx512, "\(f)")
        XCTAssertEqual(f.contains(.avx512bw), bw, "\(f)")
        XCTAssertEqual(f.contains(.vnni), bw && flags.contains("avx512_vnni"), "\(f)")
        XCTAssertEqual(f.contains(.bfloat16), avx512 && flags.contains("avx512_bf16"), "\(f)")
        // AMX also needs Linux's grant and no S2S_NO_AMX: never more than the flags.
        let amx = ["amx_tile", "amx_bf16", "amx_int8"].allSatisfy(flags.contains)
        if f.contains(.amx) { XCTAssertTrue(amx && f.contains(.vnni) && f.contains(.bfloat16), "\(f)") }
        if amx && f.contains(.vnni) && f.contains(.bfloat16) && ProcessInfo.processInfo.environment["S2S_NO_AMX"] == nil {
            XCTAssertTrue(f.contains(.amx), "the CPU lists AMX and Linux 5.16+ grants the tiles: \(f)")
        }
        print("CPU features: \(f)")
    }
}
