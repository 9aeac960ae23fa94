import CMPI
import Foundation

/// The ranks of an mpirun job, through Open MPI's library loaded at run
/// time (CMPI): the default build needs no MPI, and a process that mpirun
/// did not start never loads it.
public final class OpenMPI: Communicator {
    public let rank: Int
    public let size: Int

    /// What mpirun tells the processes it starts through their environment.
    public struct Launch: Equatable, Sendable {
        /// OMPI_COMM_WORLD_SIZE: the processes of the job.
        public var worldSize: Int
        /// OMPI_COMM_WORLD_LOCAL_SIZE: those on this host (default: 1).
        public var localSize: Int
        /// Seconds mpirun waits between the SIGTERM it forwards on Ctrl-C and
        /// the SIGKILL after it (its MCA parameter odls_base_sigkill_timeout,
        /// 1 by default; the environment has it when given to mpirun).
        public var sigkillTimeout: Int
        /// S2S_MPI_LIBRARY: the libmpi to load, when not libmpi.so.40 on the
        /// loader's path.
        public var library: String?

        /// nil when mpirun did not start this process.
        public init?(environment: [String: String]) {
            guard let world = environment["OMPI_COMM_WORLD_SIZE"].flatMap(Int.init), world >= 1 else { return nil }
            worldSize = world
            localSize = max(1, environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init) ?? 1)
            sigkillTimeout = environment["OMPI_MCA_odls_base_sigkill_timeout"].flatMap(Int.init) ?? 1
            library = environment["S2S_MPI_LIBRARY"].flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// Loads libmpi (`library`: a path, e.g. an Open MPI outside the
    /// loader's path; nil: libmpi.so.40) and joins the job (MPI_Init_thread,
    /// funneled: only the calling thread talks to MPI).
    public init(library: String? = nil) throws(OpenMPIError) {
        let capacity = 512
        var error = [CChar](repeating: 0, count: capacity)
        guard s2s_mpi_load(library, &error, capacity) == 0 else { throw .cannotLoad(Self.text(error)) }
        var r: Int32 = 0, n: Int32 = 0
        guard s2s_mpi_init(&r, &n, &error, capacity) == 0 else { throw .cannotJoin(Self.text(error)) }
        rank = Int(r)
        size = Int(n)
    }

    /// A message CMPI wrote into `buffer` (NUL-terminated).
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func check(_ call: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws {
        var error = [CChar](repeating: 0, count: 512)
        let code = error.withUnsafeMutableBufferPointer { call($0.baseAddress!, $0.count) }
        if code != 0 { throw CommunicatorError(rank: rank, message: Self.text(error)) }
    }

    public func sum(_ buffer: UnsafeMutablePointer<Float>, count: Int) throws {
        try check { s2s_mpi_allreduce_sum_float(buffer, Int64(count), $0, $1) }
    }

    public func sum(_ buffer: UnsafeMutablePointer<Double>, count: Int) throws {
        try check { s2s_mpi_allreduce_sum_double(buffer, Int64(count), $0, $1) }
    }

    public func gather(_ value: UInt64) throws -> [UInt64] {
        var values = [UInt64](repeating: 0, count: size)
        try values.withUnsafeMutableBufferPointer { out in
            try check { s2s_mpi_allgather_uint64(value, out.baseAddress!, $0, $1) }
        }
        return values
    }

    public func broadcast(_ buffer: UnsafeMutableRawPointer, bytes: Int, from root: Int) throws {
        try check { s2s_mpi_broadcast(buffer, Int64(bytes), Int32(root), $0, $1) }
    }

    /// Leaves the job cleanly (every rank calls it once, at the end).
    public func finalize() throws { try check { s2s_mpi_finalize($0, $1) } }

    /// Ends every rank of the job with `code`: for an error only some ranks
    /// see, where the others would wait in a collective for ever.
    public static func abort(code: Int32) -> Never {
        s2s_mpi_abort(code)
        exit(code)
    }
}

public enum OpenMPIError: Error, CustomStringConvertible {
    case cannotLoad(String)
    case cannotJoin(String)

    public var description: String {
        switch self {
        case .cannotLoad(let reason):
            return "this process was started by mpirun, but \(reason). Install Open MPI 4 (tools/setup.sh --mpi, "
                + "or apt-get install openmpi-bin) on every host of the job, or name its libmpi.so.40 in S2S_MPI_LIBRARY"
        case .cannotJoin(let reason):
            return "this process was started by mpirun but could not join its job: \(reason)"
        }
    }
}
