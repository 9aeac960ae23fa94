// libFuzzer's entry points. The target is named by S2S_FUZZ_TARGET (see
// run.sh); libFuzzer's own flags and corpus folders are the arguments.
// With S2S_FUZZ_WRITE_SEEDS=Tests/Fixtures/fuzz (absolute) it writes the
// generated seeds there and exits.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import S2SFuzzTargets

nonisolated(unsafe) var target: FuzzTargets.Target?

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    // `run.sh seeds`: write the generated seeds instead of fuzzing.
    if let root = getenv("S2S_FUZZ_WRITE_SEEDS").map({ String(cString: $0) }) {
        do {
            try FuzzSeeds.write(into: root, repository: root + "/../../..")
        } catch {
            fail("cannot write the seeds: \(error)")
        }
        exit(0)
    }
    let names = FuzzTargets.all.map(\.name).joined(separator: ", ")
    guard let name = getenv("S2S_FUZZ_TARGET").map({ String(cString: $0) }) else {
        fail("set S2S_FUZZ_TARGET to one of: \(names)")
    }
    guard let named = FuzzTargets.named(name) else {
        fail("no target \(name); the targets are: \(names)")
    }
    target = named
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    target!.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

func fail(_ message: String) -> Never {
    let line = Array("s2s-fuzz: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}
