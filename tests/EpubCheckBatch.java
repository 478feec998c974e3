import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.util.DefaultReportImpl;
import java.io.File;

/** Checks several EPUBs in one JVM (schemas load once); prints one summary line per file. */
public class EpubCheckBatch {
  public static void main(String[] args) {
    System.setErr(System.out); // messages and summaries in one ordered stream
    for (String path : args) {
      DefaultReportImpl report = new DefaultReportImpl(path);
      new EpubCheck(new File(path), report).doValidate();
      System.out.println("@@ " + path + " " + report.getFatalErrorCount() + " " + report.getErrorCount()
          + " " + report.getWarningCount());
    }
  }
}
