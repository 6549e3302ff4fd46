import StoreFormats

/// What the database records about one valid store path.
package struct PathInfo: Equatable, Sendable {
    package var path: StorePath
    package var narHash: Hash
    package var narSize: UInt64
    package var references: [StorePath]
    package var deriver: StorePath?
    /// Seconds since the epoch.
    package var registrationTime: Int64
    package var contentAddress: ContentAddress?

    package init(
        path: StorePath, narHash: Hash, narSize: UInt64, references: [StorePath] = [],
        deriver: StorePath? = nil, registrationTime: Int64 = 0, contentAddress: ContentAddress? = nil
    ) {
        self.path = path
        self.narHash = narHash
        self.narSize = narSize
        self.references = Array(Set(references)).sorted()
        self.deriver = deriver
        self.registrationTime = registrationTime
        self.contentAddress = contentAddress
    }
}
