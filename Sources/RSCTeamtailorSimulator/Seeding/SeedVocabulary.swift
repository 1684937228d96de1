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
    /// Offices as Teamtailor's location objects hold them (`country` is the full name); the ISO code is what the
    /// contract's `location.country-code` carries.
    static let locations: [(city: String, address: String, country: String, countryCode: String, postal: String)] = [
        ("Stockholm", "Tegnérgatan 34", "Sweden", "SE", "111 20"), ("Göteborg", "Kungsgatan 12", "Sweden", "SE", "411 03"),
        ("København", "Vesterbrogade 1", "Denmark", "DK", "1050"), ("München", "Marienplatz 8", "Germany", "DE", "80331"),
        ("Kraków", "Rynek Główny 1", "Poland", "PL", "31-001"), ("London", "1 Long Lane", "United Kingdom", "GB", "EC1A 1BB"),
        ("Austin", "500 Congress Ave", "United States", "US", "78701"), ("São Paulo", "Av. Paulista 1000", "Brazil", "BR", "01000-000"),
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
