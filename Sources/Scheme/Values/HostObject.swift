/// A value a host (the package layer, say) hands to Scheme: the language
/// knows nothing of stores (ARCHITECTURE.md §5), so host types are plain
/// Swift types conforming to `HostValue`, carried by this one object kind.
package final class HostObject: SchemeObject, SchemePrintable {
    package let value: any HostValue

    package init(_ value: any HostValue) { self.value = value }

    package override var typeName: String { value.typeName }

    package func print(to printer: inout Printer) {
        printer.emit("#<" + value.typeName + (value.printedDetails.map { " " + $0 } ?? "") + ">")
    }
}

package protocol HostValue: AnyObject {
    /// `derivation` prints as `#<derivation …>` and names the type in errors.
    var typeName: String { get }
    /// What follows the type name when printed.
    var printedDetails: String? { get }
}
