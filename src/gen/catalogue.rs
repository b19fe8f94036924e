//! The illustrative CT parts catalogue and scanner models.
//!
//! Every figure here is an assumption for illustration, reasoned in `data/china/README.md`: list
//! prices of the order seen in public tender documents, failure rates of the order reported for
//! CT field service, repair hours of a field-replaceable unit swap.

/// A scanner model and how hard it works its parts.
pub struct ModelSpec {
    pub name: &'static str,
    /// Short code used in serials.
    pub code: &'static str,
    /// Relative patient throughput: scales every wear rate.
    pub intensity: f64,
    /// Relative number of detector modules: scales detector failure rates.
    pub detector_scale: f64,
    /// Yearly price of a full-service contract for the model, in yuan: what a day of service
    /// owed without pay (an extended warranty day) is worth, at a 365th of it.
    pub service_contract_yuan: i64,
}

pub const MODELS: [ModelSpec; 5] = [
    ModelSpec {
        name: "uCT 510",
        code: "510",
        intensity: 0.8,
        detector_scale: 0.6,
        service_contract_yuan: 280_000,
    },
    ModelSpec {
        name: "uCT 530",
        code: "530",
        intensity: 0.9,
        detector_scale: 0.8,
        service_contract_yuan: 350_000,
    },
    ModelSpec {
        name: "uCT 760",
        code: "760",
        intensity: 1.0,
        detector_scale: 1.0,
        service_contract_yuan: 520_000,
    },
    ModelSpec {
        name: "uCT 780",
        code: "780",
        intensity: 1.1,
        detector_scale: 1.2,
        service_contract_yuan: 650_000,
    },
    ModelSpec {
        name: "uCT 960+",
        code: "960",
        intensity: 1.25,
        detector_scale: 2.0,
        service_contract_yuan: 980_000,
    },
];

/// Which models use a part (bit i: `MODELS[i]`).
pub const ALL: u8 = 0b11111;
const ENTRY: u8 = 0b00011;
const MID: u8 = 0b01100;
const FLAGSHIP: u8 = 0b10000;
const CARDIAC: u8 = 0b11100;

pub struct PartSpec {
    pub part_no: &'static str,
    pub description: &'static str,
    pub category: &'static str,
    /// Company cost per unit, whole yuan.
    pub unit_cost: i64,
    pub repair_hours: f64,
    pub deadline_hours: f64,
    /// Failures per unit-year on a uCT 760.
    pub rate: f64,
    pub models: u8,
    /// Planned replacements per quarterly maintenance visit.
    pub pm_qty_per_visit: f64,
}

#[allow(clippy::too_many_arguments)] // a table row constructor
const fn p(
    part_no: &'static str,
    description: &'static str,
    category: &'static str,
    unit_cost: i64,
    repair_hours: f64,
    deadline_hours: f64,
    rate: f64,
    models: u8,
    pm_qty_per_visit: f64,
) -> PartSpec {
    PartSpec {
        part_no,
        description,
        category,
        unit_cost,
        repair_hours,
        deadline_hours,
        rate,
        models,
        pm_qty_per_visit,
    }
}

/// The catalogue: 52 field-replaceable CT parts. Deadline 4 h marks the emergency core parts.
#[rustfmt::skip]
pub const PARTS: [PartSpec; 52] = [
    p("CT-XT-50", "X-ray tube 5.0 MHU (uCT 510/530)", "tube", 620_000, 8.0, 72.0, 0.22, ENTRY, 0.0),
    p("CT-XT-75", "X-ray tube 7.5 MHU (uCT 760/780)", "tube", 980_000, 10.0, 72.0, 0.25, MID, 0.0),
    p("CT-XT-300", "X-ray tube 30 MHU dual focus (uCT 960+)", "tube", 1_650_000, 12.0, 72.0, 0.20, FLAGSHIP, 0.0),
    p("CT-XT-HX", "Tube oil heat exchanger", "tube", 38_000, 4.0, 72.0, 0.06, ALL, 0.0),
    p("CT-XT-HVC", "High-voltage cable pair", "tube", 26_000, 3.0, 72.0, 0.05, ALL, 0.0),
    p("CT-DET-M16", "Detector module 16-row", "detector", 98_000, 4.0, 72.0, 0.18, ENTRY, 0.0),
    p("CT-DET-M64", "Detector module 64-row", "detector", 156_000, 4.0, 72.0, 0.20, MID, 0.0),
    p("CT-DET-M160", "Detector module 160-row wide coverage", "detector", 228_000, 5.0, 72.0, 0.12, FLAGSHIP, 0.0),
    p("CT-DAS-BRD", "Data acquisition system (DAS) board", "detector", 82_000, 3.0, 72.0, 0.08, ALL, 0.0),
    p("CT-DET-TCB", "Detector temperature control board", "detector", 12_500, 2.0, 72.0, 0.05, ALL, 0.0),
    p("CT-DET-PSU", "Detector power supply", "detector", 18_000, 2.0, 4.0, 0.01, ALL, 0.0),
    p("CT-COL-ASM", "Collimator assembly", "detector", 95_000, 6.0, 72.0, 0.04, ALL, 0.0),
    p("CT-COL-MOT", "Collimator drive motor", "detector", 6_800, 2.0, 72.0, 0.06, ALL, 0.0),
    p("CT-BOWTIE", "Bowtie filter assembly", "detector", 22_000, 3.0, 72.0, 0.02, ALL, 0.0),
    p("CT-HVG-TANK", "High-voltage generator tank", "generator", 265_000, 8.0, 72.0, 0.05, ALL, 0.0),
    p("CT-HVG-INV", "High-voltage inverter board", "generator", 46_000, 3.0, 72.0, 0.06, ALL, 0.0),
    p("CT-HVG-FIL", "Filament driver board", "generator", 18_500, 2.0, 72.0, 0.05, ALL, 0.0),
    p("CT-HVG-ROT", "Anode rotation controller", "generator", 24_000, 2.0, 72.0, 0.04, ALL, 0.0),
    p("CT-HVG-CTL", "Generator control board", "generator", 21_000, 2.0, 4.0, 0.01, ALL, 0.0),
    p("CT-SR-BRUSH", "Slip ring brush block", "gantry", 9_800, 2.0, 72.0, 0.08, ALL, 0.25),
    p("CT-SR-ASM", "Slip ring assembly", "gantry", 380_000, 16.0, 72.0, 0.01, ALL, 0.0),
    p("CT-SR-DATA", "Slip ring optical data link", "gantry", 56_000, 3.0, 72.0, 0.04, ALL, 0.0),
    p("CT-GAN-MOT", "Gantry rotation motor", "gantry", 42_000, 5.0, 72.0, 0.03, ALL, 0.0),
    p("CT-GAN-BELT", "Gantry drive belt", "gantry", 3_200, 3.0, 72.0, 0.03, ALL, 0.125),
    p("CT-GAN-CTL", "Gantry control board", "gantry", 28_000, 2.0, 4.0, 0.015, ALL, 0.0),
    p("CT-GAN-TILT", "Gantry tilt actuator", "gantry", 31_000, 4.0, 72.0, 0.02, ALL, 0.0),
    p("CT-GAN-DISP", "Gantry display panel", "gantry", 7_800, 1.0, 72.0, 0.04, ALL, 0.0),
    p("CT-LASER", "Laser positioning light", "gantry", 5_200, 1.0, 72.0, 0.06, ALL, 0.0),
    p("CT-TBL-MOT", "Patient table longitudinal drive motor", "table", 18_500, 3.0, 72.0, 0.05, ALL, 0.0),
    p("CT-TBL-VACT", "Patient table vertical actuator", "table", 26_000, 4.0, 72.0, 0.03, ALL, 0.0),
    p("CT-TBL-CTL", "Patient table control board", "table", 14_000, 2.0, 72.0, 0.04, ALL, 0.0),
    p("CT-TBL-TOP", "Carbon-fibre table top", "table", 48_000, 2.0, 72.0, 0.01, ALL, 0.0),
    p("CT-TBL-ENC", "Table position encoder", "table", 4_600, 2.0, 72.0, 0.04, ALL, 0.0),
    p("CT-COOL-HX", "Gantry water-to-air heat exchanger", "cooling", 34_000, 4.0, 72.0, 0.03, ALL, 0.0),
    p("CT-COOL-CHIL", "Chiller unit", "cooling", 68_000, 6.0, 72.0, 0.04, ALL, 0.0),
    p("CT-COOL-PUMP", "Coolant pump", "cooling", 9_500, 3.0, 72.0, 0.05, ALL, 0.0),
    p("CT-COOL-FAN", "Gantry cooling fan assembly", "cooling", 2_600, 1.0, 72.0, 0.06, ALL, 0.25),
    p("CT-FILTER", "Gantry air filter kit", "cooling", 480, 0.5, 72.0, 0.02, ALL, 1.0),
    p("CT-PWR-UPS", "UPS battery pack", "power", 12_000, 2.0, 72.0, 0.05, ALL, 0.083),
    p("CT-PWR-PDU", "Power distribution unit", "power", 36_000, 4.0, 72.0, 0.02, ALL, 0.0),
    p("CT-PWR-BRK", "Main circuit breaker", "power", 4_800, 1.0, 4.0, 0.01, ALL, 0.0),
    p("CT-PWR-DC", "DC power supply module", "power", 11_000, 1.0, 4.0, 0.015, ALL, 0.0),
    p("CT-ESTOP", "Emergency stop switch", "power", 900, 0.5, 72.0, 0.02, ALL, 0.0),
    p("CT-CON-RECON", "Image reconstruction computer (GPU)", "console", 150_000, 4.0, 72.0, 0.04, ALL, 0.0),
    p("CT-CON-WS", "Operator console workstation", "console", 65_000, 3.0, 72.0, 0.04, ALL, 0.0),
    p("CT-CON-DISK", "Image storage disk array", "console", 22_000, 2.0, 72.0, 0.05, ALL, 0.0),
    p("CT-CON-MON", "Console monitor 24-inch medical grade", "console", 6_000, 0.5, 72.0, 0.04, ALL, 0.0),
    p("CT-CON-NET", "Console network switch", "console", 3_500, 0.5, 72.0, 0.02, ALL, 0.0),
    p("CT-CON-ICOM", "Patient intercom unit", "console", 4_200, 1.0, 72.0, 0.03, ALL, 0.0),
    p("CT-ECG", "ECG gating module", "console", 28_000, 2.0, 72.0, 0.02, CARDIAC, 0.0),
    p("CT-INJ-IF", "Contrast injector interface board", "console", 8_800, 1.0, 72.0, 0.03, ALL, 0.0),
    p("CT-FOC", "Fibre-optic data cable", "console", 3_900, 2.0, 4.0, 0.01, ALL, 0.0),
];

/// Failure rate of `part` on `model`, per unit-year, or `None` when the model does not use it.
pub fn rate(part: &PartSpec, model_index: usize) -> Option<f64> {
    if part.models & (1 << model_index) == 0 {
        return None;
    }
    let m = &MODELS[model_index];
    let scale = if part.category == "detector" && part.part_no.starts_with("CT-DET-M") {
        m.detector_scale
    } else {
        m.intensity
    };
    Some(part.rate * scale)
}
