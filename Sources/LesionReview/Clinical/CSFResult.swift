/// The result of a CSF PCR for JC-virus DNA, as `csf_jcv_pcr` in `sessions.tsv` records it.
///
/// Definite PML needs JC-virus DNA in the CSF or histology (AAN criteria, Berger et al., Neurology
/// 2013); a negative PCR does not exclude a small lesion.
public enum CSFResult: String, CaseIterable, Sendable {
    case positive
    case negative
    case notDone = "not_done"
}
