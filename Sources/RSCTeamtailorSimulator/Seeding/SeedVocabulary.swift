/// The words seeded companies are made of: Unicode names (with ASCII forms for emails), roles, places.
enum SeedVocabulary {
    static let firstNames: [(display: String, ascii: String)] = [
        ("Åsa", "asa"), ("Björn", "bjorn"), ("Zoë", "zoe"), ("José", "jose"), ("Łukasz", "lukasz"), ("Søren", "soren"),
        ("Maëlle", "maelle"), ("Jürgen", "jurgen"), ("Ngọc", "ngoc"), ("Aiko", "aiko"), ("Ольга", "olga"),
        ("محمد", "mohammed"), ("Siobhán", "siobhan"), ("Chidi", "chidi"), ("Priya", "priya"), ("François", "francois"),
        ("Inès", "ines"), ("Mats", "mats"), ("Karin", "karin"), ("Dmitri", "dmitri"), ("Ayşe", "ayse"), ("Jonas", "jonas"),
    ]
    static let lastNames: [(display: String, ascii: String)] = [
        ("Lindqvist", "lindqvist"), ("Öberg", "oberg"), ("Nguyễn", "nguyen"), ("García", "garcia"),
        ("Kowalski", "kowalski"), ("Müller", "muller"), ("Ó Briain", "obriain"), ("Takahashi", "takahashi"),
        ("Østergaard", "ostergaard"), ("Çelik", "celik"), ("Svensson", "svensson"), ("Dubois", "dubois"),
        ("Ahmed", "ahmed"), ("Okafor", "okafor"), ("Петров", "petrov"), ("Sandström", "sandstrom"),
    ]
    static let roles = [
        "Backend Engineer", "iOS Developer", "Account Executive", "Product Designer", "Data Analyst",
        "Customer Success Manager", "Head of People", "Site Reliability Engineer", "Content Marketer", "Controller",
    ]
    static let locations: [(city: String, region: String, country: String, postal: String)] = [
        ("Stockholm", "Stockholm", "SE", "111 20"), ("Göteborg", "Västra Götaland", "SE", "411 03"),
        ("København", "Hovedstaden", "DK", "1050"), ("München", "Bayern", "DE", "80331"),
        ("Kraków", "Małopolskie", "PL", "31-001"), ("London", "England", "GB", "EC1A 1BB"),
        ("Austin", "TX", "US", "78701"), ("São Paulo", "SP", "BR", "01000-000"),
    ]
    static let jobStatuses: [(status: String, weight: Int)] = [
        ("open", 55), ("archived", 25), ("draft", 8), ("unlisted", 7), ("temp", 5),
    ]
    static let remoteStatuses = ["none", "temporary", "hybrid", "fully"]
    /// Every job's pipeline: name, stage type.
    static let stages: [(name: String, type: String)] = [
        ("Inbox", "Inbox"), ("Screening", "In process"), ("Interview", "In process"), ("Offer", "In process"),
        ("Hired", "Hired"),
    ]
    static let rejectReasons = [
        "Not the right fit this time", "Position filled", "Salary expectations", "Withdrew application",
        "Lacks required experience",
    ]
    static let tags = ["swift", "java", "sales", "remote", "senior", "graduate", "referral", "nordics"]
    static let referringSites = ["linkedin.com", "google.com", "career site", "indeed.com"]
    static let criteria = ["Communication", "Problem solving", "Technical depth", "Culture add"]
    static let recommendations = ["strong_no", "no", "yes", "strong_yes"]
    static let noteTexts = [
        "Talked on the phone — motivated, available in March.", "Strong portfolio; follow up next week.",
        "Salary expectation above the band.", "Referred by Åsa; great references.",
        "Prefers hybrid, two days in the office.",
    ]
    static let reviewTexts = [
        "Clear communicator; solid fundamentals.", "Struggled with the system design part.",
        "Great culture add, would hire.", "Needs more experience with our stack.",
    ]
}
